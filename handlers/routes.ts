/**
 * The route table: the one source from which the stack builds API resources, functions and their IAM,
 * the local server mounts routes, and the OpenAPI document is checked. No cdktf import here.
 */

/** Where in the bucket a grant applies: users' own folders, or the zip area. */
export type S3Scope = 'user-files' | 'zips';

export type S3Action =
  | 's3:GetObject'
  | 's3:PutObject'
  | 's3:DeleteObject'
  | 's3:ListBucket'
  | 's3:AbortMultipartUpload'
  | 's3:ListMultipartUploadParts';

export interface S3Grant {
  readonly scope: S3Scope;
  readonly actions: readonly S3Action[];
}

export type HttpMethod = 'GET' | 'PUT' | 'POST' | 'DELETE';

export interface Route {
  readonly method: HttpMethod;
  /** Relative to the stage, as in the API contract; `{name}` is a path parameter. */
  readonly path: string;
  /** The handler file `handlers/<handler>.ts`, which exports `handler(event, context)`. */
  readonly handler: string;
  /** Exactly the S3 access the handler needs; its function's role is allowed this and nothing else. */
  readonly s3: readonly S3Grant[];
}

export const routes: readonly Route[] = [
  {
    method: 'GET',
    path: '/files',
    handler: 'list-files',
    s3: [{ scope: 'user-files', actions: ['s3:ListBucket'] }],
  },
  {
    method: 'GET',
    path: '/file',
    handler: 'get-file',
    // ListBucket so that S3 answers a missing key with 404, not 403 (HeadObject without list rights).
    s3: [{ scope: 'user-files', actions: ['s3:GetObject', 's3:ListBucket'] }],
  },
  {
    method: 'PUT',
    path: '/file',
    handler: 'put-file',
    s3: [{ scope: 'user-files', actions: ['s3:PutObject'] }],
  },
  {
    method: 'DELETE',
    path: '/file',
    handler: 'delete-file',
    s3: [{ scope: 'user-files', actions: ['s3:DeleteObject'] }],
  },
  {
    method: 'POST',
    path: '/files/delete',
    handler: 'delete-files',
    // ListBucket to find a folder's files; DeleteObjects is authorised as s3:DeleteObject per key.
    s3: [{ scope: 'user-files', actions: ['s3:DeleteObject', 's3:ListBucket'] }],
  },
  {
    method: 'POST',
    path: '/uploads',
    handler: 'create-upload',
    // CreateMultipartUpload, and the PutObject/UploadPart URLs it signs, are all s3:PutObject.
    s3: [{ scope: 'user-files', actions: ['s3:PutObject'] }],
  },
  {
    method: 'POST',
    path: '/uploads/complete',
    handler: 'complete-upload',
    // CompleteMultipartUpload is s3:PutObject; the HeadObject that reports the size is s3:GetObject.
    s3: [{ scope: 'user-files', actions: ['s3:PutObject', 's3:GetObject'] }],
  },
  {
    method: 'POST',
    path: '/uploads/abort',
    handler: 'abort-upload',
    s3: [{ scope: 'user-files', actions: ['s3:AbortMultipartUpload'] }],
  },
];
