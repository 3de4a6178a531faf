import type { IncomingHttpHeaders } from 'node:http';
import { copySource } from './copy-source';
import type { S3Access } from './session-policy';
import type { Target } from './target';

const bucketArn = (bucket: string) => `arn:aws:s3:::${bucket}`;
const objectArn = (bucket: string, key: string) => `arn:aws:s3:::${bucket}/${key}`;

/**
 * What a request needs its credentials' policy to allow, as S3 authorizes it: the IAM action of each
 * operation (HeadObject is GetObject, GetObjectAttributes also needs its own action, multipart uploads
 * are PutObject, a copy also reads its source; a versionId makes GetObject/DeleteObject their `…Version`
 * actions, on a copy source too).
 * DeleteObjects is authorized per key, by the operation itself (S3Request.isAllowed).
 */
export function requiredAccess(
  method: string,
  target: Target,
  headers: IncomingHttpHeaders,
): readonly S3Access[] {
  const { bucket, key, query } = target;
  if (key === '') {
    if (method === 'GET' && query.has('uploads'))
      return [{ action: 's3:ListBucketMultipartUploads', resource: bucketArn(bucket) }];
    if (method === 'GET' && query.has('versions'))
      return [
        { action: 's3:ListBucketVersions', resource: bucketArn(bucket), prefix: query.get('prefix') ?? '' },
      ];
    if (method === 'GET' || method === 'HEAD')
      return [{ action: 's3:ListBucket', resource: bucketArn(bucket), prefix: query.get('prefix') ?? '' }];
    if (method === 'POST' && query.has('delete')) return [];
    return [{ action: 's3:CreateBucket', resource: bucketArn(bucket) }];
  }
  const object = (action: string) => ({ action, resource: objectArn(bucket, key) });
  const upload = query.has('uploadId');
  const version = query.has('versionId') ? 'Version' : '';
  switch (method) {
    case 'GET':
      if (upload) return [object('s3:ListMultipartUploadParts')];
      // GetObjectAttributes needs both, as in AWS: s3:GetObject(Version) and s3:GetObject(Version)Attributes.
      if (query.has('attributes'))
        return [object(`s3:GetObject${version}`), object(`s3:GetObject${version}Attributes`)];
      return [object(`s3:GetObject${version}`)];
    case 'HEAD':
      return [object(`s3:GetObject${version}`)];
    case 'DELETE':
      return [object(upload ? 's3:AbortMultipartUpload' : `s3:DeleteObject${version}`)];
    default: {
      const source = headers['x-amz-copy-source'];
      if (typeof source !== 'string') return [object('s3:PutObject')];
      const from = copySource(source);
      const read = from.versionId === undefined ? 's3:GetObject' : 's3:GetObjectVersion';
      return [object('s3:PutObject'), { action: read, resource: objectArn(from.bucket, from.key) }];
    }
  }
}
