import type { IncomingHttpHeaders } from 'node:http';
import { notImplemented, S3Error } from '../errors';
import type { S3Request } from '../http/request';
import {
  abortMultipartUpload,
  completeMultipartUpload,
  createMultipartUpload,
  listMultipartUploads,
  listParts,
  uploadPart,
} from './complete-multipart-upload';
import { createBucket, headBucket } from './create-bucket';
import { copyObject, deleteObject, deleteObjects, getObject, putObject } from './get-object';
import { getObjectAttributes } from './get-object-attributes';
import { getBucketVersioning, listObjectVersions, putBucketVersioning } from './list-object-versions';
import { listObjectsV2 } from './list-objects-v2';

export type Operation = (request: S3Request) => Promise<void> | void;

/** Where a path-style request points: `/<bucket>/<key>`, the key percent-decoded. */
export interface Target {
  readonly bucket: string;
  readonly key: string;
  readonly query: URLSearchParams;
}

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

/** Query parameters that tune an operation; any other one names a sub-resource this server lacks. */
const PLAIN_PARAMETERS = new Set([
  'x-id',
  'list-type',
  'prefix',
  'delimiter',
  'max-keys',
  'continuation-token',
  'start-after',
  'encoding-type',
  'fetch-owner',
  'uploadId',
  'partNumber',
  'part-number-marker',
  'max-parts',
  'max-uploads',
  'uploads',
  'delete',
  'versioning',
  'versions',
  'response-content-type',
  'response-content-disposition',
  'response-content-encoding',
  'response-content-language',
  'response-cache-control',
  'response-expires',
  'versionId',
  'key-marker',
  'version-id-marker',
  'attributes',
]);

function bucketOperation(method: string, query: URLSearchParams): Operation | undefined {
  if (method === 'PUT' && [...query.keys()].every((name) => name === 'x-id')) return createBucket;
  if (method === 'HEAD') return headBucket;
  if (method === 'GET' && query.get('list-type') === '2') return listObjectsV2;
  if (method === 'GET' && query.has('uploads')) return listMultipartUploads;
  if (method === 'POST' && query.has('delete')) return deleteObjects;
  if (method === 'PUT' && query.has('versioning')) return putBucketVersioning;
  if (method === 'GET' && query.has('versioning')) return getBucketVersioning;
  if (method === 'GET' && query.has('versions')) return listObjectVersions;
  return undefined;
}

function objectOperation(method: string, query: URLSearchParams, copying: boolean): Operation | undefined {
  const upload = query.has('uploadId');
  switch (method) {
    case 'PUT':
      if (upload) return query.has('partNumber') ? uploadPart : undefined;
      return copying ? copyObject : putObject;
    case 'GET':
      if (query.has('attributes')) return upload ? undefined : getObjectAttributes;
      return upload ? listParts : getObject;
    case 'HEAD':
      return upload ? undefined : getObject;
    case 'DELETE':
      return upload ? abortMultipartUpload : deleteObject;
    case 'POST':
      if (query.has('uploads')) return createMultipartUpload;
      return upload ? completeMultipartUpload : undefined;
  }
  return undefined;
}

/** The operation a request names, or NotImplemented: this server is a focused subset of S3. */
export function operationFor(method: string, target: Target, copying: boolean): Operation {
  const { bucket, key, query } = target;
  const extra = [...query.keys()].find(
    (name) => !PLAIN_PARAMETERS.has(name) && !name.toLowerCase().startsWith('x-amz-'),
  );
  if (extra !== undefined) throw notImplemented(`?${extra}`);
  if (bucket === '') throw notImplemented(`${method} /`);
  const operation = key === '' ? bucketOperation(method, query) : objectOperation(method, query, copying);
  if (!operation)
    throw notImplemented(`${method} ${key === '' ? 'bucket' : 'object'} ${[...query.keys()].join(' ')}`);
  return operation;
}
