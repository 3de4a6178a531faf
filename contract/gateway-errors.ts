/**
 * API Gateway's own error responses (it answers before any handler runs) in the contract's error shape,
 * `{ error: { code, message } }`, with the contract's codes. Types not listed fall back to DEFAULT_4XX /
 * DEFAULT_5XX (AUTHORIZER_* never happen: the API has no authorizer, only AWS_IAM). The stack configures
 * them (modules/rest-api.ts) and the local gateway answers with them.
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
  /**
   * The `x-amzn-ErrorType` values API Gateway sends with answers of this type, which is all an app sees when
   * it cannot read the body (Amplify's `ApiError.name`); the client maps them back to `code`.
   */
  readonly errorTypes: readonly string[];
}

/** Marks the message that API Gateway itself supplies, already JSON-quoted. */
export const GATEWAY_MESSAGE = 'gateway';

const UNAUTHORIZED = 'Unauthorized';

export const GATEWAY_ERRORS: readonly GatewayError[] = [
  {
    responseType: 'MISSING_AUTHENTICATION_TOKEN',
    errorTypes: ['MissingAuthenticationTokenException', 'IncompleteSignatureException'],
    statusCode: '403',
    code: UNAUTHORIZED,
    // Also API Gateway's answer to a path or method that no route serves.
    message: 'The request is not signed, or no route serves this method and path.',
  },
  {
    responseType: 'INVALID_SIGNATURE',
    errorTypes: ['InvalidSignatureException'],
    statusCode: '403',
    code: UNAUTHORIZED,
    message: 'The request signature does not match: sign it with SigV4 for execute-api.',
  },
  {
    responseType: 'EXPIRED_TOKEN',
    errorTypes: ['ExpiredTokenException'],
    statusCode: '403',
    code: UNAUTHORIZED,
    message: 'The credentials have expired: sign in again.',
  },
  {
    responseType: 'ACCESS_DENIED',
    errorTypes: ['AccessDeniedException'],
    statusCode: '403',
    code: UNAUTHORIZED,
    message: 'Access denied.',
  },
  // Only an authorizer's refusal has this type, and the API has none: no error type to map.
  {
    responseType: 'UNAUTHORIZED',
    errorTypes: [],
    statusCode: '401',
    code: UNAUTHORIZED,
    message: 'Not signed in.',
  },
  {
    responseType: 'REQUEST_TOO_LARGE',
    errorTypes: ['RequestTooLargeException'],
    statusCode: '413',
    code: 'PayloadTooLarge',
    message: 'The request is larger than the API accepts.',
  },
  {
    responseType: 'THROTTLED',
    errorTypes: ['TooManyRequestsException'],
    statusCode: '429',
    code: 'TooManyRequests',
    message: 'Too many requests: retry after a short wait.',
  },
  {
    responseType: 'QUOTA_EXCEEDED',
    errorTypes: ['LimitExceededException'],
    statusCode: '429',
    code: 'TooManyRequests',
    message: 'Too many requests: retry after a short wait.',
  },
  {
    responseType: 'RESOURCE_NOT_FOUND',
    errorTypes: ['NotFoundException'],
    statusCode: '404',
    code: 'NotFound',
    message: 'Not found.',
  },
  {
    responseType: 'DEFAULT_4XX',
    errorTypes: ['UnrecognizedClientException'],
    code: 'BadRequest',
    message: GATEWAY_MESSAGE,
  },
  {
    responseType: 'DEFAULT_5XX',
    errorTypes: ['InternalServerErrorException'],
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

/** A gateway response header's value: fixed text, or a copy of one of the request's headers. */
export type GatewayHeaderValue = { readonly text: string } | { readonly requestHeader: string };

/**
 * The headers of every gateway response. Access-Control-Allow-Origin copies the request's Origin, whatever
 * it is: a gateway response can only carry fixed text or copy a request header (it has no condition), and
 * fixed text would name one origin, so that on every other allowed origin a refusal (an expired signature,
 * throttling) would reach the app as a network error. Copying is safe here: these answers carry no data of
 * anyone's (fixed messages, the request id, API Gateway's words on the request itself), and the API has no
 * ambient credentials (no cookie: every request is SigV4-signed by the app), so another site learns nothing
 * it could not learn by calling the API itself. The handlers' own answers still name allowed origins only.
 */
export const GATEWAY_RESPONSE_HEADERS: Readonly<Record<string, GatewayHeaderValue>> = {
  'Access-Control-Allow-Origin': { requestHeader: 'Origin' },
  // x-amzn-ErrorType is API Gateway's own on these (e.g. ExpiredTokenException): readable too.
  'Access-Control-Expose-Headers': { text: 'x-amzn-RequestId, x-amzn-ErrorType' },
  Vary: { text: 'Origin' },
};
