import type { ServerResponse } from 'node:http';

/** An error the identity pool answers with, in AWS's JSON 1.1 shape. */
export class IdentityPoolError extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

const CONTENT_TYPE = 'application/x-amz-json-1.1';

export function sendResult(res: ServerResponse, requestId: string, result: unknown): void {
  send(res, 200, { 'x-amzn-RequestId': requestId }, result);
}

/**
 * AWS's error shape: `__type` in the body (amazon-cognito-identity-js reads it) and `x-amzn-ErrorType`
 * (`<type>:`, Amplify splits it on the colon) with `x-amzn-ErrorMessage`.
 */
export function sendError(res: ServerResponse, requestId: string, error: IdentityPoolError): void {
  const headers = {
    'x-amzn-RequestId': requestId,
    'x-amzn-ErrorType': `${error.type}:`,
    'x-amzn-ErrorMessage': error.message,
  };
  send(res, error.status, headers, { __type: error.type, message: error.message });
}

function send(res: ServerResponse, status: number, headers: Record<string, string>, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    ...headers,
    'Content-Type': CONTENT_TYPE,
    'Content-Length': Buffer.byteLength(text),
  });
  res.end(text);
}
