import type { IncomingMessage, ServerResponse } from 'node:http';
import { BodyTooLargeError, logWhenDone, readBody, sendJson } from './http-helpers';

/** A Cognito stand-in's handler: the request, its whole JSON 1.1 body, the response to write. */
export type JsonServiceHandler = (req: IncomingMessage, body: Buffer, res: ServerResponse) => Promise<void>;

/** Headers the AWS SDK, Amplify and amazon-cognito-identity-js send to Cognito from a browser. */
const REQUEST_HEADERS = [
  'content-type',
  'x-amz-target',
  'x-amz-user-agent',
  'x-amz-date',
  'x-amz-security-token',
  'x-amz-content-sha256',
  'authorization',
  'cache-control',
  'amz-sdk-invocation-id',
  'amz-sdk-request',
].join(', ');
const EXPOSED_HEADERS = 'x-amzn-RequestId, x-amzn-ErrorType, x-amzn-ErrorMessage, Date';
/** Cognito requests are small JSON documents. */
const MAX_BODY_BYTES = 1024 * 1024;

/**
 * Serves a Cognito stand-in to browsers as Cognito serves its APIs: CORS for every origin (`*`: Cognito
 * has no origin setting, and a user pool client is public), a preflight that allows the headers asked for
 * (or those the SDKs send), the body read whole, and one log line per call naming the operation.
 */
export function cognitoEndpoint(service: string, handle: JsonServiceHandler, log: (line: string) => void) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    res.setHeader('Access-Control-Allow-Origin', '*');
    res.setHeader('Access-Control-Expose-Headers', EXPOSED_HEADERS);
    if (req.method === 'OPTIONS') {
      res.writeHead(204, {
        'Access-Control-Allow-Methods': 'POST, OPTIONS',
        'Access-Control-Allow-Headers': req.headers['access-control-request-headers'] ?? REQUEST_HEADERS,
        'Access-Control-Max-Age': '600',
      });
      res.end();
      return;
    }
    const target = String(req.headers['x-amz-target'] ?? '');
    const operation = /^[A-Za-z]+\.([A-Za-z]+)$/.exec(target)?.[1] ?? 'unknown';
    logWhenDone(
      res,
      performance.now(),
      (status, ms) => `${req.method} ${service} ${operation} ${status} ${ms} ms`,
      log,
    );
    let body: Buffer;
    try {
      body = await readBody(req, MAX_BODY_BYTES);
    } catch (error) {
      if (!(error instanceof BodyTooLargeError)) throw error;
      sendJson(res, 413, { __type: 'RequestEntityTooLargeException', message: error.message });
      return;
    }
    await handle(req, body, res);
  };
}
