import type { APIGatewayProxyEvent, Context } from 'aws-lambda';
import { INTEGRATION_TIMEOUT_SECONDS, type Route, routeSize } from '../../contract/routes';
import { invocationContext, LambdaTimeoutError, withTimeout } from '../lambda/context';
import { INTEGRATION_TIMEOUT, LAMBDA_FAILED, type Refusal, TOO_LARGE } from './refusals';

/** A route's handler as Lambda runs it; the gateway checks the shape of what it returns. */
export type ProxyHandler = (event: APIGatewayProxyEvent, context: Context) => Promise<unknown>;

/** Lambda's synchronous invocation payload limit, for the event in and the result out. */
export const LAMBDA_PAYLOAD_LIMIT_BYTES = 6 * 1024 * 1024;

export type Invocation =
  | { readonly ok: true; readonly result: unknown }
  | { readonly ok: false; readonly refusal: Refusal; readonly error?: unknown };

/**
 * Invokes a route's function as API Gateway and Lambda do: an event over Lambda's 6 MB is refused (413),
 * the function runs until its timeout, a throw or a timeout is a 502, and API Gateway's own 29 s limit,
 * when it comes first, a 504. A result over 6 MB fails like a throw.
 */
export async function invokeRoute(
  route: Route,
  handler: ProxyHandler,
  event: APIGatewayProxyEvent,
): Promise<Invocation> {
  if (Buffer.byteLength(JSON.stringify(event)) > LAMBDA_PAYLOAD_LIMIT_BYTES)
    return { ok: false, refusal: TOO_LARGE };
  const { timeoutSeconds, memoryMiB } = routeSize(route);
  const context = invocationContext(route.handler, timeoutSeconds, memoryMiB);
  try {
    const result = await withTimeout(
      Promise.resolve().then(() => handler(event, context)),
      Math.min(timeoutSeconds, INTEGRATION_TIMEOUT_SECONDS),
    );
    if (Buffer.byteLength(JSON.stringify(result) ?? '') > LAMBDA_PAYLOAD_LIMIT_BYTES) {
      return {
        ok: false,
        refusal: LAMBDA_FAILED,
        error: new Error('Response payload size exceeded maximum allowed payload size'),
      };
    }
    return { ok: true, result };
  } catch (error) {
    return { ok: false, refusal: timedOutRefusal(error, timeoutSeconds), error };
  }
}

/** Which limit a timeout hit: Lambda's own (502), or API Gateway's 29 s when the function may run longer. */
export function timedOutRefusal(error: unknown, timeoutSeconds: number): Refusal {
  const gatewayFirst = error instanceof LambdaTimeoutError && timeoutSeconds >= INTEGRATION_TIMEOUT_SECONDS;
  return gatewayFirst ? INTEGRATION_TIMEOUT : LAMBDA_FAILED;
}
