import type { OutgoingHttpHeaders } from 'node:http';
import type { ObjectMeta, ObjectStore, Version } from '../store/object-store';
import { headerOf, type S3Request } from './request';
import { headerValue } from './responses';

/** Headers S3 keeps with an object and sends back on GET/HEAD. */
const STORED_HEADERS = [
  'content-disposition',
  'content-encoding',
  'content-language',
  'cache-control',
  'expires',
];
/** Query parameters of a signed GET that override a response header. */
const RESPONSE_OVERRIDES: Record<string, string> = {
  'response-content-type': 'content-type',
  'response-content-disposition': 'content-disposition',
  'response-content-encoding': 'content-encoding',
  'response-content-language': 'content-language',
  'response-cache-control': 'cache-control',
  'response-expires': 'expires',
};

/** What a PUT or CreateMultipartUpload says about the object to be: type, stored headers, metadata. */
export function objectAttributes(request: S3Request): {
  contentType: string;
  headers: Record<string, string>;
  metadata: Record<string, string>;
} {
  const headers: Record<string, string> = {};
  for (const name of STORED_HEADERS) {
    let value = headerOf(request, name);
    // aws-chunked is the framing of this request, not an encoding of the object.
    if (name === 'content-encoding')
      value = value
        ?.split(',')
        .map((v) => v.trim())
        .filter((v) => v !== 'aws-chunked')
        .join(',');
    if (value) headers[name] = value;
  }
  const metadata: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (name.startsWith('x-amz-meta-') && value !== undefined) metadata[name.slice(11)] = String(value);
  }
  return { contentType: headerOf(request, 'content-type') ?? 'binary/octet-stream', headers, metadata };
}

/** GET/HEAD headers of `meta`, with the request's response-* overrides. */
export function objectResponseHeaders(request: S3Request, meta: ObjectMeta): OutgoingHttpHeaders {
  const headers: OutgoingHttpHeaders = {
    'Content-Type': meta.contentType,
    ETag: meta.etag,
    'Last-Modified': new Date(meta.lastModified).toUTCString(),
    'Accept-Ranges': 'bytes',
    ...meta.headers,
  };
  for (const [name, value] of Object.entries(meta.metadata)) headers[`x-amz-meta-${name}`] = value;
  for (const [parameter, name] of Object.entries(RESPONSE_OVERRIDES)) {
    const value = request.query.get(parameter);
    if (value === null) continue;
    delete headers[name === 'content-type' ? 'Content-Type' : name];
    headers[name] = headerValue(value, parameter);
  }
  return headers;
}

/** An object's checksum headers: its type, and each base64 checksum it keeps. */
export function checksumHeaders(meta: ObjectMeta): Record<string, string> {
  const headers: Record<string, string> = {
    'x-amz-checksum-type': meta.composite ? 'COMPOSITE' : 'FULL_OBJECT',
  };
  for (const [algorithm, value] of Object.entries(meta.checksums))
    headers[`x-amz-checksum-${algorithm.toLowerCase()}`] = value;
  return headers;
}

/** `x-amz-version-id` of a version, sent only once the bucket has versioning (as S3). */
export function versionHeader(objects: ObjectStore, version: Version): Record<string, string> {
  return objects.versioning === undefined ? {} : { 'x-amz-version-id': version.versionId };
}
