import { CopyObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { ObjectKey } from '../files/keys';
import { versionCopySource } from './copy-source';

/**
 * Makes version `versionId` of `key` its current version again, as a new version (the history stays):
 * one CopyObject, which keeps the source's content type and metadata. S3 copies up to 5 GiB this way;
 * restore.ts refuses larger versions before calling it (docs/files.md, "Large versions").
 */
export async function copyVersion(
  s3: S3Client,
  bucket: string,
  key: ObjectKey,
  versionId: string,
): Promise<void> {
  await s3.send(
    new CopyObjectCommand({
      Bucket: bucket,
      Key: key,
      CopySource: versionCopySource(bucket, key, versionId),
    }),
  );
}
