import {
  PREFLIGHT_ALLOWED_HEADERS,
  PREFLIGHT_MAX_AGE_SECONDS,
  preflightAllowMethods,
  preflightAllowOrigin,
} from '../../contract/preflight';
import type { Reply } from './gateway-responses';

/**
 * The answer of a resource's OPTIONS method, as the stack's MOCK integration gives it: 204, no auth, the
 * resource's methods, the signing headers, the max age, and the origin (contract/preflight.ts).
 */
export function preflightReply(
  methods: readonly string[],
  allowedOrigins: readonly string[],
  requestOrigin: string | undefined,
): Reply {
  return {
    status: 204,
    headers: [
      ['Access-Control-Allow-Origin', preflightAllowOrigin(allowedOrigins, requestOrigin)],
      ['Access-Control-Allow-Methods', preflightAllowMethods(methods)],
      ['Access-Control-Allow-Headers', PREFLIGHT_ALLOWED_HEADERS],
      ['Access-Control-Max-Age', PREFLIGHT_MAX_AGE_SECONDS],
      ['Vary', 'Origin'],
      ['Content-Type', 'application/json'],
    ],
    body: '',
  };
}
