import { ListObjectsV2Command, ListObjectVersionsCommand, type S3Client } from '@aws-sdk/client-s3';
import type { ObjectKey } from '../files/keys';
import { isForbidden, isNotFound } from './s3-errors';

/**
 * Whether a failed read of `key` means that it does not exist: S3's 404, or a 403 that a second call
 * proves to be a missing key. S3 may answer a missing key 403 to a caller that it does not consider
 * allowed to list there; so after a 403 (GetObject's AccessDenied, or HeadObject's bodiless one) the key
 * is listed, which every route that reads a key that may be missing is allowed under the caller's own
 * prefixes (routes.ts). Not listed: absent. Listed: the 403 was a refusal (false: the caller throws it,
 * a 500 with the request id). A refused listing throws too.
 */
export async function provesAbsent(
  s3: S3Client,
  bucket: string,
  key: ObjectKey,
  error: unknown,
): Promise<boolean> {
  if (isNotFound(error)) return true;
  if (!isForbidden(error)) return false;
  // S3 lists in UTF-8 order: the key itself comes before every longer key that starts with it.
  const page = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: key, MaxKeys: 1 }));
  return page.Contents?.[0]?.Key !== key;
}

/** The same for one version of `key`: after a 403, absent unless the key's version listing shows it. */
export async function provesVersionAbsent(
  s3: S3Client,
  bucket: string,
  key: ObjectKey,
  versionId: string,
  error: unknown,
): Promise<boolean> {
  if (!isForbidden(error)) return false;
  const page = await s3.send(new ListObjectVersionsCommand({ Bucket: bucket, Prefix: key }));
  const listed = [...(page.Versions ?? []), ...(page.DeleteMarkers ?? [])];
  // A key with more than a page of versions cannot be settled by this one page: a refusal, then.
  if (page.IsTruncated) return false;
  return !listed.some((version) => version.Key === key && version.VersionId === versionId);
}
