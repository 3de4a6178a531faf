/**
 * API Gateway's own error responses (it answers before any handler runs) in the contract's error shape,
 * `{ error: { code, message } }`, with the contract's codes. Types not listed fall back to DEFAULT_4XX /
 * DEFAULT_5XX (AUTHORIZER_* never happen: the API has no authorizer, only AWS_IAM). The stack configures
 * them (modules/rest-api.ts) and the local gateway answers with them; no cdktf import here.
 */
export interface GatewayError {
  /** An API Gateway gateway response type. */
  readonly responseType: string;
  /**
   * Set for the specific types, to the status API Gateway gives them anyway. Never on DEFAULT_4XX/5XX:
   * setting theirs would override the status of every type that falls back to them.
   */
  readonly statusCode?: string;
  readonly code: string;
  /**
   * Fixed text, or `gateway` for API Gateway's own message. Fixed wherever API Gateway's message may name
   * an ARN or account (ACCESS_DENIED names the caller's role and the API's ARN).
   */
  readonly message: string;
}

/** Marks the message that API Gateway itself supplies, already JSON-quoted. */
export const GATEWAY_MESSAGE = 'gateway';

const UNAUTHORIZED = 'Unauthorized';

export const GATEWAY_ERRORS: readonly GatewayError[] = [
  {
    responseType: 'MISSING_AUTHENTICATION_TOKEN',
    statusCode: '403',
    code: UNAUTHORIZED,
    // Also API Gateway's answer to a path or method that no route serves.
    message: 'The request is not signed, or no route serves this method and path.',
  },
  {
    responseType: 'INVALID_SIGNATURE',
    statusCode: '403',
    code: UNAUTHORIZED,
    message: 'The request signature does not match: sign it with SigV4 for execute-api.',
  },
  {
    responseType: 'EXPIRED_TOKEN',
    statusCode: '403',
    code: UNAUTHORIZED,
    message: 'The credentials have expired: sign in again.',
  },
  { responseType: 'ACCESS_DENIED', statusCode: '403', code: UNAUTHORIZED, message: 'Access denied.' },
  { responseType: 'UNAUTHORIZED', statusCode: '401', code: UNAUTHORIZED, message: 'Not signed in.' },
  {
    responseType: 'REQUEST_TOO_LARGE',
    statusCode: '413',
    code: 'PayloadTooLarge',
    message: 'The request is larger than the API accepts.',
  },
  {
    responseType: 'THROTTLED',
    statusCode: '429',
    code: 'TooManyRequests',
    message: 'Too many requests: retry after a short wait.',
  },
  {
    responseType: 'QUOTA_EXCEEDED',
    statusCode: '429',
    code: 'TooManyRequests',
    message: 'Too many requests: retry after a short wait.',
  },
  { responseType: 'RESOURCE_NOT_FOUND', statusCode: '404', code: 'NotFound', message: 'Not found.' },
  { responseType: 'DEFAULT_4XX', code: 'BadRequest', message: GATEWAY_MESSAGE },
  {
    responseType: 'DEFAULT_5XX',
    code: 'Internal',
    // A uuid: nothing in it can break the JSON string.
    message: 'Internal error. Request id: $context.requestId',
  },
];

/** The response template: the contract's error body. */
export function gatewayErrorBody(error: GatewayError): string {
  if (error.message === GATEWAY_MESSAGE) {
    // $context.error.messageString is API Gateway's message as a quoted JSON string.
    return `{"error":{"code":${JSON.stringify(error.code)},"message":$context.error.messageString}}`;
  }
  return JSON.stringify({ error: { code: error.code, message: error.message } });
}

/**
 * The headers of every gateway response: CORS for the first allowed origin. A gateway response can only
 * carry a static header or copy a request header (its templates are not evaluated for headers), and
 * copying Origin would open these responses to every site.
 */
export function gatewayResponseHeaders(primaryOrigin: string): Readonly<Record<string, string>> {
  return {
    'Access-Control-Allow-Origin': primaryOrigin,
    'Access-Control-Expose-Headers': 'x-amzn-RequestId',
    Vary: 'Origin',
  };
}
