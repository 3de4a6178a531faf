/**
 * The CORS facts of the API's preflight (OPTIONS), in one place for the two that answer it: API Gateway, as
 * the stack configures it (modules/rest-api.ts), and the local gateway.
 */

/** POST /zips's header that makes a retry safe (handlers/lib/zip/jobs/idempotency.ts). */
export const IDEMPOTENCY_KEY_HEADER = 'Idempotency-Key';

/** Request headers a SigV4-signing browser client sends, and the API's own. */
export const PREFLIGHT_ALLOWED_HEADERS = [
  'Authorization',
  'Content-Type',
  'X-Amz-Content-Sha256',
  'X-Amz-Date',
  'X-Amz-Security-Token',
  'X-Amz-User-Agent',
  IDEMPOTENCY_KEY_HEADER,
].join(',');

export const PREFLIGHT_MAX_AGE_SECONDS = '600';

/** A path's Access-Control-Allow-Methods: its routes' methods in table order, then OPTIONS. */
export function preflightAllowMethods(methods: readonly string[]): string {
  return [...methods, 'OPTIONS'].join(',');
}

/**
 * A browser origin as the stack accepts it: `scheme://host[:port]`, lower-case, nothing else. Origins end
 * up inside VTL templates, CORS headers and bucket rules, so only plain values pass; the environments'
 * check, the preflight and the local gateway share this one pattern.
 */
const ORIGIN = /^https?:\/\/[a-z0-9]([a-z0-9.-]*[a-z0-9])?(:\d{1,5})?$/;

export function isOrigin(value: string): boolean {
  return ORIGIN.test(value);
}

/**
 * The allowed origins, each checked against a strict pattern (so that none can break out of a quoted
 * string), split into the first one, which static headers name, and the others. Never `*`.
 */
export function checkedOrigins(allowedOrigins: readonly string[]): {
  readonly primary: string;
  readonly others: readonly string[];
} {
  for (const origin of allowedOrigins) {
    if (!isOrigin(origin)) throw new Error(`"${origin}" is not an origin`);
  }
  const [primary, ...others] = allowedOrigins;
  if (primary === undefined) throw new Error('At least one allowed origin is needed');
  return { primary, others };
}

/**
 * The preflight's Access-Control-Allow-Origin: the request's Origin when it is exactly one of the others,
 * else the first allowed origin (which a browser on any other site then refuses).
 */
export function preflightAllowOrigin(
  allowedOrigins: readonly string[],
  requestOrigin: string | undefined,
): string {
  const { primary, others } = checkedOrigins(allowedOrigins);
  return requestOrigin !== undefined && others.includes(requestOrigin) ? requestOrigin : primary;
}
