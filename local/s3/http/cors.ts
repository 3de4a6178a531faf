import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { S3Error } from '../errors';

/** As the production bucket's CORS rule (modules/private-bucket.ts), plus POST and DELETE for the SDK in a browser. */
const ALLOWED_METHODS = ['GET', 'PUT', 'HEAD', 'POST', 'DELETE'];
/** Response headers a browser app may read: ETag for multipart, and what the SDK reads when it runs in one. */
const EXPOSED_HEADERS = [
  'ETag',
  'Content-Length',
  'Content-Range',
  'Content-Disposition',
  'x-amz-request-id',
  'x-amz-id-2',
  'x-amz-version-id',
  'x-amz-delete-marker',
  'x-amz-checksum-crc32',
  'x-amz-checksum-crc32c',
  'x-amz-checksum-sha1',
  'x-amz-checksum-sha256',
  'x-amz-checksum-type',
].join(', ');
const MAX_AGE_SECONDS = 600;

const forbidden = () =>
  new S3Error(
    403,
    'AccessForbidden',
    "CORSResponse: This CORS request is not allowed. This is usually because the evaluation of Origin, request method / Access-Control-Request-Method or Access-Control-Request-Headers are not whitelisted by the resource's CORS spec.",
  );

/** CORS headers for an actual request from an allowed origin (none for others: the browser then blocks it). */
export function corsHeaders(req: IncomingMessage, allowedOrigins: ReadonlySet<string>): OutgoingHttpHeaders {
  const origin = req.headers.origin;
  if (origin === undefined || !allowedOrigins.has(origin)) return {};
  return {
    'Access-Control-Allow-Origin': origin,
    'Access-Control-Allow-Methods': ALLOWED_METHODS.join(', '),
    'Access-Control-Expose-Headers': EXPOSED_HEADERS,
    'Access-Control-Max-Age': MAX_AGE_SECONDS,
    Vary: 'Origin, Access-Control-Request-Headers, Access-Control-Request-Method',
  };
}

/**
 * Answers an OPTIONS preflight: unauthenticated, as in S3. Any request header is allowed (the bucket's
 * rule says `*`): a browser's presigned PUT sends content-type, an SDK in a browser sends x-amz-*.
 */
export function answerPreflight(
  req: IncomingMessage,
  res: ServerResponse,
  allowedOrigins: ReadonlySet<string>,
): void {
  const method = req.headers['access-control-request-method'];
  if (req.headers.origin === undefined || method === undefined) {
    throw new S3Error(400, 'BadRequest', 'Insufficient information. Origin request header needed.');
  }
  const headers = corsHeaders(req, allowedOrigins);
  if (!headers['Access-Control-Allow-Origin'] || !ALLOWED_METHODS.includes(method)) throw forbidden();
  const requested = req.headers['access-control-request-headers'];
  res.writeHead(200, {
    ...headers,
    ...(requested ? { 'Access-Control-Allow-Headers': requested } : {}),
    'Content-Length': 0,
  });
  res.end();
}
