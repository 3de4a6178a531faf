import { isOrigin } from './origins';

/**
 * The preflight's Access-Control-Allow-Origin: the first allowed origin as a static header, and, when
 * there are others, a response template (Velocity) that replaces it with the request's Origin when that
 * is exactly one of them (the approach of aws-cdk's addCorsPreflight). Never `*`. Origins are checked
 * against the strict pattern of origins.ts so that they cannot break out of the quoted strings.
 */
export function preflightOrigin(allowedOrigins: readonly string[]): {
  header: string;
  template?: string;
} {
  for (const origin of allowedOrigins) {
    if (!isOrigin(origin)) throw new Error(`"${origin}" is not an origin`);
  }
  const [primary, ...others] = allowedOrigins;
  if (primary === undefined) throw new Error('At least one allowed origin is needed');
  const header = `'${primary}'`;
  if (others.length === 0) return { header };
  const anyOther = others.map((origin) => `$origin == '${origin}'`).join(' || ');
  const template = [
    "#set($origin = $input.params().header.get('Origin'))",
    "#if(\"$!origin\" == '')#set($origin = $input.params().header.get('origin'))#end",
    `#if(${anyOther})`,
    '#set($context.responseOverride.header.Access-Control-Allow-Origin = $origin)',
    '#end',
  ].join('\n');
  return { header, template };
}
