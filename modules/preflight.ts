const ORIGIN = /^https?:\/\/[A-Za-z0-9.-]+(:\d+)?$/;

/**
 * The preflight's Access-Control-Allow-Origin: the first allowed origin as a static header, and, when
 * there are others, a response template (Velocity) that replaces it with the request's Origin when that
 * is exactly one of them (the approach of aws-cdk's addCorsPreflight). Never `*`. Origins are checked
 * against a strict pattern so that they cannot break out of the quoted strings.
 */
export function preflightOrigin(allowedOrigins: readonly string[]): {
  header: string;
  template?: string;
} {
  for (const origin of allowedOrigins) {
    if (!ORIGIN.test(origin)) throw new Error(`"${origin}" is not an origin`);
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
