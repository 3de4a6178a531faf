/**
 * The preflight's response template (Velocity): copies the request's Origin into
 * Access-Control-Allow-Origin only when it is exactly one of `allowedOrigins`, so several origins work
 * without ever answering `*`. Origins are checked against a strict pattern by the environment config,
 * so they cannot break out of the quoted VTL strings.
 */
export function preflightTemplate(allowedOrigins: readonly string[]): string {
  for (const origin of allowedOrigins) {
    if (!/^https?:\/\/[A-Za-z0-9.-]+(:\d+)?$/.test(origin)) throw new Error(`"${origin}" is not an origin`);
  }
  const anyAllowed = allowedOrigins.map((origin) => `$origin == '${origin}'`).join(' || ');
  return [
    "#set($origin = $input.params().header.get('Origin'))",
    "#if(\"$!origin\" == '')#set($origin = $input.params().header.get('origin'))#end",
    `#if(${anyAllowed})`,
    '#set($context.responseOverride.header.Access-Control-Allow-Origin = $origin)',
    '#end',
  ].join('\n');
}
