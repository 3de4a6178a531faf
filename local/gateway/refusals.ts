import type { SigV4Failure } from '../sigv4/verify';

/** How API Gateway answers a request it refuses before any handler runs. */
export interface Refusal {
  /** The gateway response type that shapes the answer (contract/gateway-errors.ts). */
  readonly responseType: string;
  /** API Gateway's own status, which the gateway response may override. */
  readonly status: number;
  /** API Gateway's `x-amzn-ErrorType`. */
  readonly errorType: string;
  /** API Gateway's own message ($context.error.messageString). */
  readonly message: string;
}

/**
 * The gateway response type and `x-amzn-ErrorType` of each SigV4 refusal; all are 403. The types follow
 * API Gateway's documented ones (supported-gateway-response-types): a malformed Authorization header is
 * reported like a missing one (MISSING_AUTHENTICATION_TOKEN), clock skew and a wrong signature as
 * INVALID_SIGNATURE, expired credentials as EXPIRED_TOKEN. An unknown key or session token
 * (UnrecognizedClientException) has no type of its own and falls back to DEFAULT_4XX.
 */
const SIGV4_REFUSALS: Record<SigV4Failure, Omit<Refusal, 'message' | 'status'>> = {
  MissingAuthenticationToken: {
    responseType: 'MISSING_AUTHENTICATION_TOKEN',
    errorType: 'MissingAuthenticationTokenException',
  },
  IncompleteSignature: {
    responseType: 'MISSING_AUTHENTICATION_TOKEN',
    errorType: 'IncompleteSignatureException',
  },
  SignatureExpired: { responseType: 'INVALID_SIGNATURE', errorType: 'InvalidSignatureException' },
  RequestExpired: { responseType: 'INVALID_SIGNATURE', errorType: 'InvalidSignatureException' },
  UnrecognizedClient: { responseType: 'DEFAULT_4XX', errorType: 'UnrecognizedClientException' },
  ExpiredToken: { responseType: 'EXPIRED_TOKEN', errorType: 'ExpiredTokenException' },
  SignatureDoesNotMatch: { responseType: 'INVALID_SIGNATURE', errorType: 'InvalidSignatureException' },
};

export function sigV4Refusal(reason: SigV4Failure, message: string): Refusal {
  return { ...SIGV4_REFUSALS[reason], status: 403, message };
}

/** No route serves this method and path: API Gateway hides which, as for an unsigned request. */
export const NO_ROUTE: Refusal = sigV4Refusal('MissingAuthenticationToken', 'Missing Authentication Token');

/** A body beyond API Gateway's 10 MB, or an event beyond Lambda's 6 MB. */
export const TOO_LARGE: Refusal = {
  responseType: 'REQUEST_TOO_LARGE',
  status: 413,
  errorType: 'RequestTooLargeException',
  message: 'Request Too Long',
};

/** The function failed: it threw, timed out or answered something that is not a proxy result. */
export const LAMBDA_FAILED: Refusal = {
  responseType: 'DEFAULT_5XX',
  status: 502,
  errorType: 'InternalServerErrorException',
  message: 'Internal server error',
};

/** API Gateway's own 29 s integration timeout fired first. */
export const INTEGRATION_TIMEOUT: Refusal = {
  responseType: 'INTEGRATION_TIMEOUT',
  status: 504,
  errorType: 'InternalServerErrorException',
  message: 'Endpoint request timed out',
};

/** The stand-in itself failed: API Gateway's own 500. */
export const GATEWAY_FAULT: Refusal = {
  responseType: 'DEFAULT_5XX',
  status: 500,
  errorType: 'InternalServerErrorException',
  message: 'Internal server error',
};

/** No function instance was free in time (local/lambda/concurrency.ts): API Gateway's throttle answer. */
export const THROTTLED: Refusal = {
  responseType: 'THROTTLED',
  status: 429,
  errorType: 'TooManyRequestsException',
  message: 'Too Many Requests',
};
