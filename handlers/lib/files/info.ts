import type { S3Client } from '@aws-sdk/client-s3';
import { DEFAULT_CONTENT_TYPE } from '../../../contract/content-type';
import { NotFoundError } from '../http/errors';
import { unquoteEtag } from '../s3/etag';
import { headObject } from '../s3/head';
import type { ObjectKey } from './keys';

export interface FileInfo {
  readonly size: number;
  readonly lastModified: string;
  readonly etag: string;
  readonly contentType: string;
}

/** An object's metadata, or NotFoundError. */
export async function fileInfo(s3: S3Client, bucket: string, key: ObjectKey): Promise<FileInfo> {
  const head = await headObject(s3, bucket, key);
  if (head === undefined) throw new NotFoundError('No file with this key.');
  return {
    size: head.ContentLength ?? 0,
    lastModified: (head.LastModified ?? new Date(0)).toISOString(),
    etag: unquoteEtag(head.ETag),
    contentType: head.ContentType ?? DEFAULT_CONTENT_TYPE,
  };
}

/** The name a download is saved as: the key's last segment. */
export function fileName(userKey: string): string {
  return userKey.slice(userKey.lastIndexOf('/') + 1);
}
