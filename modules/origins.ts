/**
 * A browser origin as the stack accepts it: `scheme://host[:port]`, lower-case, nothing else. Origins end
 * up inside VTL templates, CORS headers and bucket rules, so only plain values pass; the environments'
 * check and the preflight's share this one pattern.
 */
const ORIGIN = /^https?:\/\/[a-z0-9]([a-z0-9.-]*[a-z0-9])?(:\d{1,5})?$/;

export function isOrigin(value: string): boolean {
  return ORIGIN.test(value);
}
