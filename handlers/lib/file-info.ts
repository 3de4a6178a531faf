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
 * An object's metadata, or NotFoundError. S3 answers a missing key with 404 only to a role that may
 * list the prefix (403 otherwise), which is why the GET /file route is granted s3:ListBucket.
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
