import type { components } from './api-types.js';
import { GATEWAY_ERROR_CODES as CONTRACT_GATEWAY_ERROR_CODES } from './contract-facts.js';

type ErrorCode = components['schemas']['ErrorCode'];

/**
 * API Gateway's own error types (its `x-amzn-ErrorType`, which Amplify v6 makes `ApiError.name`) and the
 * API's code that the stack's gateway response for each puts in the body (contract/gateway-errors.ts). API
 * Gateway keeps its own type in that header on the answers it makes itself (docs/api.md, "Amplify"): this
 * table turns it back into the API's code where the body cannot be read. Generated from
 * contract/gateway-errors.ts (contract-facts.ts); typed here, so a code the API does not have fails to build.
 */
export const GATEWAY_ERROR_CODES: Readonly<Record<string, ErrorCode>> = CONTRACT_GATEWAY_ERROR_CODES;

/** `x-amzn-ErrorType` may carry `:<more>` after the type (Cognito's `NotAuthorizedException:`). */
export function gatewayErrorCode(errorType: string | null | undefined): ErrorCode | undefined {
  const type = errorType?.split(':')[0] ?? '';
  return Object.hasOwn(GATEWAY_ERROR_CODES, type) ? GATEWAY_ERROR_CODES[type] : undefined;
}

/**
 * The API's error code of an error an app caught from Amplify's REST client (`aws-amplify/api`): the code in
 * the body (`{ error: { code } }`) when there is one, else the code `ApiError.name` stands for (API
 * Gateway's own type, or already the API's code on the handlers' answers); undefined for anything else
 * (a network failure, a cancel).
 */
export function apiErrorCode(error: unknown): string | undefined {
  const { name, response } = (error ?? {}) as { name?: unknown; response?: { body?: unknown } };
  if (typeof response?.body === 'string') {
    try {
      const code = (JSON.parse(response.body) as { error?: { code?: unknown } }).error?.code;
      if (typeof code === 'string') return code;
    } catch {
      // Not the contract's body: fall back to the name.
    }
  }
  if (typeof name !== 'string' || response === undefined) return undefined;
  return gatewayErrorCode(name) ?? name;
}
