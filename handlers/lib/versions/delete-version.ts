import { DeleteObjectCommand, ListObjectVersionsCommand, type S3Client } from '@aws-sdk/client-s3';
import { MAX_KEYS_PER_CALL } from '../../../contract/s3-limits';
import type { ObjectKey } from '../files/keys';
import { ConflictError, NotFoundError } from '../http/errors';

/**
 * Deletes one noncurrent version of the caller's file for good, which frees its bytes in the quota
 * (docs/quotas.md). `key` is built from the caller's identity, so another user's version id names nothing
 * here: 404, as for a version that does not exist or is a delete marker. The current version is refused
 * (409): deleting it would bring an older version back, which is POST /files/restore's job.
 */
export async function deleteNoncurrentVersion(
  s3: S3Client,
  bucket: string,
  key: ObjectKey,
  versionId: string,
): Promise<void> {
  const found = await findVersion(s3, bucket, key, versionId);
  if (found === undefined) throw new NotFoundError('This file has no such version.');
  if (found.isLatest) {
    throw new ConflictError(
      "This is the file's current version: delete the file, or restore another version, first.",
    );
  }
  await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: key, VersionId: versionId }));
}

/**
 * The version `versionId` of exactly `key` (not a delete marker), paging through the key's versions:
 * S3 lists the exact key's versions before any longer key that starts with it.
 */
async function findVersion(
  s3: S3Client,
  bucket: string,
  key: ObjectKey,
  versionId: string,
): Promise<{ isLatest: boolean } | undefined> {
  let keyMarker: string | undefined;
  let versionIdMarker: string | undefined;
  for (;;) {
    const page = await s3.send(
      new ListObjectVersionsCommand({
        Bucket: bucket,
        Prefix: key,
        MaxKeys: MAX_KEYS_PER_CALL,
        KeyMarker: keyMarker,
        VersionIdMarker: versionIdMarker,
      }),
    );
    const version = (page.Versions ?? []).find((v) => v.Key === key && v.VersionId === versionId);
    if (version !== undefined) return { isLatest: version.IsLatest === true };
    const listed = [...(page.Versions ?? []), ...(page.DeleteMarkers ?? [])];
    if (!page.IsTruncated || listed.every((entry) => entry.Key !== key)) return undefined;
    keyMarker = page.NextKeyMarker;
    versionIdMarker = page.NextVersionIdMarker;
  }
}
