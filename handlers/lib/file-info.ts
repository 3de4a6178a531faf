import { HeadObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { NotFoundError } from './errors';
import { unquoteEtag } from './etag';
import { isNotFound } from './s3-errors';

export interface FileInfo {
  readonly size: number;
  readonly lastModified: string;
  readonly etag: string;
  readonly contentType: string;
}

/**
 * An object's metadata, or NotFoundError (S3's 404, or the 403 it gives our roles: see s3-errors.ts).
 * The caller must have built `key` with keys.ts.
 */
export async function fileInfo(s3: S3Client, bucket: string, key: string): Promise<FileInfo> {
  try {
    const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
    return {
      size: head.ContentLength ?? 0,
      lastModified: (head.LastModified ?? new Date(0)).toISOString(),
      etag: unquoteEtag(head.ETag),
      contentType: head.ContentType ?? 'application/octet-stream',
    };
  } catch (error) {
    if (isNotFound(error)) throw new NotFoundError('No file with this key.');
    throw error;
  }
}

/** The name a download is saved as: the key's last segment. */
export function fileName(userKey: string): string {
  return userKey.slice(userKey.lastIndexOf('/') + 1);
}
