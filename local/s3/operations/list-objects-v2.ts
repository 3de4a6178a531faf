import { invalidArgument } from '../errors';
import type { S3Request } from '../http/request';
import { isoTime, sendXml } from '../http/responses';

/** S3's `encoding-type=url`: the key as a URL form would carry it (space as +, slash kept). */
function urlEncode(text: string): string {
  return encodeURIComponent(text)
    .replace(/%2F/g, '/')
    .replace(/%20/g, '+')
    .replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

const encodeToken = (name: string) => Buffer.from(name, 'utf8').toString('base64url');

function decodeToken(token: string): string {
  const name = Buffer.from(token, 'base64url').toString('utf8');
  if (!token || encodeToken(name) !== token) {
    throw invalidArgument('The continuation token provided is incorrect', 'continuation-token', token);
  }
  return name;
}

/** `max-keys`: a whole number, at most 1,000 (S3 returns no more, whatever is asked). */
export function maxKeysOf(query: URLSearchParams): number {
  const text = query.get('max-keys') ?? '1000';
  if (!/^\d+$/.test(text))
    throw invalidArgument('Provided max-keys not an integer or within integer range', 'max-keys', text);
  return Math.min(Number(text), 1000);
}

/**
 * ListObjectsV2. Keys come in UTF-8 byte order; with a delimiter, keys sharing the part up to the next
 * delimiter after the prefix roll up into one CommonPrefix. The continuation token is the last name
 * returned (a key or a common prefix), base64url: the next page resumes after every key that rolls up
 * to a name at or before it.
 */
export function listObjectsV2(request: S3Request): void {
  const { query } = request;
  const prefix = query.get('prefix') ?? '';
  const delimiter = query.get('delimiter') ?? '';
  const maxKeys = maxKeysOf(query);
  const token = query.get('continuation-token');
  const startAfter = query.get('start-after') ?? '';
  const encodingType = query.get('encoding-type');
  if (encodingType !== null && encodingType !== 'url')
    throw invalidArgument('Invalid Encoding Method specified in Request', 'encoding-type', encodingType);
  const encode = encodingType === 'url' ? urlEncode : (text: string) => text;

  const resumeAfter = token !== null ? decodeToken(token) : startAfter;
  const resumeBytes = Buffer.from(resumeAfter);
  const seek = Buffer.compare(Buffer.from(prefix), resumeBytes) > 0 ? Buffer.from(prefix) : resumeBytes;
  const contents: object[] = [];
  const commonPrefixes: string[] = [];
  let lastName: string | undefined;
  let truncated = false;

  const fromToken = token !== null;
  for (const meta of request.storage.bucket(request.bucket).objects.keysFrom(seek)) {
    // Keys at or after the prefix that do not start with it come after every key that does.
    if (!meta.key.startsWith(prefix) || maxKeys === 0) break;
    const cut = delimiter ? meta.key.indexOf(delimiter, prefix.length) : -1;
    const name = cut === -1 ? meta.key : meta.key.slice(0, cut + delimiter.length);
    const position = fromToken ? name : meta.key;
    if (resumeAfter && Buffer.compare(Buffer.from(position), resumeBytes) <= 0) continue;
    if (name === lastName) continue;
    if (contents.length + commonPrefixes.length >= maxKeys) {
      truncated = true;
      break;
    }
    lastName = name;
    if (cut === -1) {
      contents.push({
        Key: encode(meta.key),
        LastModified: isoTime(meta.lastModified),
        ETag: meta.etag,
        Size: meta.size,
        StorageClass: 'STANDARD',
      });
    } else {
      commonPrefixes.push(name);
    }
  }

  sendXml(request.res, 200, 'ListBucketResult', {
    Name: request.bucket,
    Prefix: encode(prefix),
    Delimiter: delimiter ? encode(delimiter) : undefined,
    MaxKeys: maxKeys,
    EncodingType: encodingType ?? undefined,
    KeyCount: contents.length + commonPrefixes.length,
    IsTruncated: truncated,
    ContinuationToken: token ?? undefined,
    NextContinuationToken: truncated && lastName !== undefined ? encodeToken(lastName) : undefined,
    StartAfter: query.has('start-after') ? encode(startAfter) : undefined,
    Contents: contents as never,
    CommonPrefixes: commonPrefixes.map((name) => ({ Prefix: encode(name) })),
  });
}
