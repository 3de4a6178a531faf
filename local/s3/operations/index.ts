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
      if (upload) return query.has('partNumber') ? (copying ? uploadPartCopy : uploadPart) : undefined;
      return copying ? copyObject : putObject;
    case 'GET':
      if (query.has('attributes')) return upload ? undefined : getObjectAttributes;
      return upload ? listParts : getObject;
    case 'HEAD':
      // HeadObject: GetObject's answer without its body.
      return upload ? undefined : getObject;
    case 'DELETE':
      return upload ? abortMultipartUpload : deleteObject;
    case 'POST':
      if (query.has('uploads')) return createMultipartUpload;
      return upload ? completeMultipartUpload : undefined;
  }
  return undefined;
}

/** The operation a request names, or NotImplemented. */
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
