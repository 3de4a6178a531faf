import { AbortMultipartUploadCommand, type S3Client } from '@aws-sdk/client-s3';
import type { ObjectKey } from '../files/keys';
import { multipartETag } from '../s3/etag';
import { headObject } from '../s3/head';

/** Where the archive is being written. */
export interface ArchiveTarget {
  readonly s3: S3Client;
  readonly bucket: string;
  readonly targetKey: ObjectKey;
}

/**
 * A CompleteMultipartUpload whose answer was lost may still have made the archive. It is this run's
 * when its ETag is the one this run's parts give (MD5 of the parts' MD5s, `-N`): then the zip is done.
 * Any other object at the key (say, a duplicate run's finished archive) is left alone: never deleted.
 */
export async function ownArchiveETag(
  { s3, bucket, targetKey }: ArchiveTarget,
  partETags: ReadonlyMap<number, string>,
): Promise<string | undefined> {
  const head = await headObject(s3, bucket, targetKey).catch(() => undefined);
  const parts = [...partETags].sort(([a], [b]) => a - b).map(([, etag]) => etag);
  return head?.ETag && head.ETag === multipartETag(parts) ? head.ETag : undefined;
}

/** Aborts the archive's multipart upload, whatever the answer: the bucket's lifecycle rule is the last net. */
export async function abortArchive(
  { s3, bucket, targetKey }: ArchiveTarget,
  uploadId: string,
): Promise<void> {
  await s3
    .send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: targetKey, UploadId: uploadId }))
    .catch(() => {});
}
