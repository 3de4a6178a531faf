import type { IncomingHttpHeaders } from 'node:http';
import { S3Error } from '../errors';

/** Where a path-style request points: `/<bucket>/<key>`, the key percent-decoded. */
export interface Target {
  readonly bucket: string;
  readonly key: string;
  readonly query: URLSearchParams;
}

/** S3's longest key, in UTF-8 bytes. */
const MAX_KEY_BYTES = 1024;

/** The signer's own query parameters; any other x-amz-* one is a header hoisted into a presigned URL. */
const PRESIGN_PARAMETERS = new Set([
  'x-amz-algorithm',
  'x-amz-credential',
  'x-amz-date',
  'x-amz-expires',
  'x-amz-signedheaders',
  'x-amz-signature',
  'x-amz-security-token',
  'x-amz-content-sha256',
]);

/** The request's headers plus the x-amz-* headers a presigner moved into the query (S3 reads them there too). */
export function withHoistedHeaders(
  headers: IncomingHttpHeaders,
  query: URLSearchParams,
): IncomingHttpHeaders {
  const merged = { ...headers };
  for (const [name, value] of query) {
    const lower = name.toLowerCase();
    if (lower.startsWith('x-amz-') && !PRESIGN_PARAMETERS.has(lower)) merged[lower] ??= value;
  }
  return merged;
}

export function parseTarget(url: string): Target {
  const question = url.indexOf('?');
  const path = question === -1 ? url : url.slice(0, question);
  const query = new URLSearchParams(question === -1 ? '' : url.slice(question + 1));
  const slash = path.indexOf('/', 1);
  const rawBucket = slash === -1 ? path.slice(1) : path.slice(1, slash);
  const rawKey = slash === -1 ? '' : path.slice(slash + 1);
  let bucket: string;
  let key: string;
  try {
    bucket = decodeURIComponent(rawBucket);
    key = decodeURIComponent(rawKey);
  } catch {
    throw new S3Error(400, 'InvalidURI', "Couldn't parse the specified URI.");
  }
  if (Buffer.byteLength(key) > MAX_KEY_BYTES)
    throw new S3Error(400, 'KeyTooLongError', 'Your key is too long');
  return { bucket, key, query };
}
