import { checkedOrigins } from '../contract/preflight';

/**
 * The preflight's Access-Control-Allow-Origin: the first allowed origin as a static header, and, when
 * there are others, a response template (Velocity) that replaces it with the request's Origin when that
 * is exactly one of them (the approach of aws-cdk's addCorsPreflight; contract/preflight.ts
 * preflightAllowOrigin says the same in code).
 */
export function preflightOrigin(allowedOrigins: readonly string[]): {
  header: string;
  template?: string;
} {
  const { primary, others } = checkedOrigins(allowedOrigins);
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
