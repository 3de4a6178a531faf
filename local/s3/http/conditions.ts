import { noSuchKey, notImplemented, preconditionFailed, S3Error } from '../errors';
import type { ObjectMeta } from '../store/object-store';
import { headerOf, type S3Request } from './request';

function etagList(value: string): string[] {
  return value.split(',').map((item) => item.trim().replace(/^W\//, '').replace(/^"|"$/g, ''));
}

function matches(value: string, meta: ObjectMeta): boolean {
  const list = etagList(value);
  return list.includes('*') || list.includes(meta.etag.replace(/^"|"$/g, ''));
}

/**
 * Conditional writes as S3 has them (PutObject, CompleteMultipartUpload, CopyObject): If-None-Match: *
 * refuses to replace an object, If-Match refuses to write over another version (or create the object).
 * Checked against the current object under the key's lock, so two writers cannot both pass.
 */
export function writeConditions(request: S3Request): (current: ObjectMeta | undefined) => void {
  const ifNoneMatch = headerOf(request, 'if-none-match');
  const ifMatch = headerOf(request, 'if-match');
  if (ifNoneMatch !== undefined && ifNoneMatch.trim() !== '*')
    throw notImplemented('If-None-Match other than *');
  return (current) => {
    if (ifNoneMatch !== undefined && current) throw preconditionFailed('If-None-Match');
    if (ifMatch !== undefined) {
      if (!current) throw noSuchKey(request.key);
      if (!matches(ifMatch, current)) throw preconditionFailed('If-Match');
    }
  };
}

/** RFC 9110's order for GET/HEAD: a failed If-Match/If-Unmodified-Since → 412, a hit If-None-Match/If-Modified-Since → 304. */
export function readCondition(request: S3Request, meta: ObjectMeta): 200 | 304 | 412 {
  const ifMatch = headerOf(request, 'if-match');
  const ifUnmodifiedSince = Date.parse(headerOf(request, 'if-unmodified-since') ?? '');
  if (ifMatch !== undefined ? !matches(ifMatch, meta) : meta.lastModified > ifUnmodifiedSince) return 412;
  const ifNoneMatch = headerOf(request, 'if-none-match');
  const ifModifiedSince = Date.parse(headerOf(request, 'if-modified-since') ?? '');
  if (ifNoneMatch !== undefined ? matches(ifNoneMatch, meta) : meta.lastModified <= ifModifiedSince)
    return 304;
  return 200;
}

/**
 * A single `bytes=` range as inclusive offsets; undefined for no range or one S3 would ignore (malformed,
 * several ranges). InvalidRange when it starts past the end.
 */
export function byteRange(
  header: string | undefined,
  size: number,
): { start: number; end: number } | undefined {
  const match = /^bytes=(\d*)-(\d*)$/.exec(header?.trim() ?? '');
  if (!match || (match[1] === '' && match[2] === '')) return undefined;
  let start: number;
  let end: number;
  if (match[1] === '') {
    start = Math.max(0, size - Number(match[2]));
    end = size - 1;
  } else {
    start = Number(match[1]);
    end = match[2] === '' ? size - 1 : Math.min(Number(match[2]), size - 1);
    if (end < start && start < size) return undefined;
  }
  if (start >= size || (match[1] === '' && Number(match[2]) === 0)) {
    throw new S3Error(416, 'InvalidRange', 'The requested range is not satisfiable', {
      RangeRequested: header ?? '',
      ActualObjectSize: String(size),
    });
  }
  return { start, end };
}
