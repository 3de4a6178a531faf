import { GATEWAY_ERRORS, GATEWAY_RESPONSE_HEADERS, gatewayErrorBody } from '../../contract/gateway-errors';
import type { Refusal } from './refusals';

/** One of the request's headers by name, whatever its case; undefined when absent. */
export type RequestHeaders = (name: string) => string | undefined;

/** An HTTP answer: status, [name, value] header pairs, body. */
export interface Reply {
  readonly status: number;
  readonly headers: readonly (readonly [string, string])[];
  readonly body: string | Buffer;
}

/**
 * A refusal as the stack's gateway responses shape it: the type's own response, or else DEFAULT_4XX /
 * DEFAULT_5XX by status class; its status when it sets one; its template (the contract's error body) with
 * API Gateway's message and the request id filled in; its headers (CORS that copies the request's Origin;
 * none when it has none, as API Gateway omits a header mapped from an absent one); and API Gateway's
 * `x-amzn-ErrorType`.
 */
export function gatewayReply(refusal: Refusal, requestId: string, request: RequestHeaders): Reply {
  const fallback = refusal.status >= 500 ? 'DEFAULT_5XX' : 'DEFAULT_4XX';
  const response =
    GATEWAY_ERRORS.find((error) => error.responseType === refusal.responseType) ??
    GATEWAY_ERRORS.find((error) => error.responseType === fallback);
  if (response === undefined) throw new Error(`No gateway response for ${refusal.responseType}`);
  const body = gatewayErrorBody(response)
    .replaceAll('$context.error.messageString', JSON.stringify(refusal.message))
    .replaceAll('$context.requestId', requestId);
  return {
    status: response.statusCode === undefined ? refusal.status : Number(response.statusCode),
    headers: [
      ...Object.entries(GATEWAY_RESPONSE_HEADERS).flatMap(([name, value]): [string, string][] => {
        const text = 'text' in value ? value.text : request(value.requestHeader);
        return text === undefined ? [] : [[name, text]];
      }),
      ['Content-Type', 'application/json'],
      ['x-amzn-ErrorType', refusal.errorType],
    ],
    body,
  };
}
