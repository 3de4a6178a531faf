/**
 * Every S3 operation this server answers, one file each, and the router that picks one for a request by
 * method, bucket or object, and sub-resource (S3's REST routing). Anything else is NotImplemented: this
 * server is a focused subset of S3.
 */
import { notImplemented } from '../errors';
import type { S3Request } from '../http/request';
import type { Target } from '../http/target';
import { abortMultipartUpload } from './abort-multipart-upload';
import { completeMultipartUpload } from './complete-multipart-upload';
import { copyObject } from './copy-object';
import { createBucket } from './create-bucket';
import { createMultipartUpload } from './create-multipart-upload';
import { deleteObject } from './delete-object';
import { deleteObjects } from './delete-objects';
import { getBucketVersioning } from './get-bucket-versioning';
import { getObject } from './get-object';
import { getObjectAttributes } from './get-object-attributes';
import { headBucket } from './head-bucket';
import { listMultipartUploads } from './list-multipart-uploads';
import { listObjectVersions } from './list-object-versions';
import { listObjectsV2 } from './list-objects-v2';
import { listParts } from './list-parts';
import { putBucketVersioning } from './put-bucket-versioning';
import { putObject } from './put-object';
import { uploadPart } from './upload-part';
import { uploadPartCopy } from './upload-part-copy';

export type Operation = (request: S3Request) => Promise<void> | void;

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

/**
 * One row of the router: S3's name of an operation, its method, whether it is on the bucket
 * (`/<bucket>`) or on an object (`/<bucket>/<key>`), what marks it (its query parameters and whether
 * x-amz-copy-source is sent), and the operation.
 */
type Route = readonly [
  name: string,
  method: string,
  on: 'bucket' | 'object',
  when: (query: URLSearchParams, copying: boolean) => boolean,
  run: Operation,
];

const uploadId = (q: URLSearchParams) => q.has('uploadId');
const isPart = (q: URLSearchParams) => uploadId(q) && q.has('partNumber');

/** The first row that matches a request is its operation (the order settles the overlaps). */
const ROUTES: readonly Route[] = [
  ['CreateBucket', 'PUT', 'bucket', (q) => [...q.keys()].every((name) => name === 'x-id'), createBucket],
  ['HeadBucket', 'HEAD', 'bucket', () => true, headBucket],
  ['ListObjectsV2', 'GET', 'bucket', (q) => q.get('list-type') === '2', listObjectsV2],
  ['ListMultipartUploads', 'GET', 'bucket', (q) => q.has('uploads'), listMultipartUploads],
  ['DeleteObjects', 'POST', 'bucket', (q) => q.has('delete'), deleteObjects],
  ['PutBucketVersioning', 'PUT', 'bucket', (q) => q.has('versioning'), putBucketVersioning],
  ['GetBucketVersioning', 'GET', 'bucket', (q) => q.has('versioning'), getBucketVersioning],
  ['ListObjectVersions', 'GET', 'bucket', (q) => q.has('versions'), listObjectVersions],
  ['UploadPartCopy', 'PUT', 'object', (q, copying) => isPart(q) && copying, uploadPartCopy],
  ['UploadPart', 'PUT', 'object', (q, copying) => isPart(q) && !copying, uploadPart],
  ['CopyObject', 'PUT', 'object', (q, copying) => !uploadId(q) && copying, copyObject],
  ['PutObject', 'PUT', 'object', (q, copying) => !uploadId(q) && !copying, putObject],
  ['GetObjectAttributes', 'GET', 'object', (q) => q.has('attributes') && !uploadId(q), getObjectAttributes],
  ['ListParts', 'GET', 'object', (q) => !q.has('attributes') && uploadId(q), listParts],
  ['GetObject', 'GET', 'object', (q) => !q.has('attributes') && !uploadId(q), getObject],
  // HeadObject is GetObject's answer without its body.
  ['HeadObject', 'HEAD', 'object', (q) => !uploadId(q), getObject],
  ['AbortMultipartUpload', 'DELETE', 'object', uploadId, abortMultipartUpload],
  ['DeleteObject', 'DELETE', 'object', (q) => !uploadId(q), deleteObject],
  ['CreateMultipartUpload', 'POST', 'object', (q) => q.has('uploads'), createMultipartUpload],
  [
    'CompleteMultipartUpload',
    'POST',
    'object',
    (q) => uploadId(q) && !q.has('uploads'),
    completeMultipartUpload,
  ],
];

/** The operation a request names, or NotImplemented. */
export function operationFor(method: string, target: Target, copying: boolean): Operation {
  const { bucket, key, query } = target;
  const extra = [...query.keys()].find(
    (name) => !PLAIN_PARAMETERS.has(name) && !name.toLowerCase().startsWith('x-amz-'),
  );
  if (extra !== undefined) throw notImplemented(`?${extra}`);
  if (bucket === '') throw notImplemented(`${method} /`);
  const on = key === '' ? 'bucket' : 'object';
  const route = ROUTES.find(([, m, o, when]) => o === on && m === method && when(query, copying));
  if (!route) throw notImplemented(`${method} ${on} ${[...query.keys()].join(' ')}`);
  return route[4];
}
