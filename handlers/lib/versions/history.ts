import { ListObjectVersionsCommand, type S3Client } from '@aws-sdk/client-s3';
import { MAX_KEYS_PER_CALL } from '../../../contract/s3-limits';
import type { ObjectKey } from '../files/keys';
import { unquoteEtag } from '../s3/etag';

export interface FileVersion {
  readonly versionId: string;
  readonly size: number;
  readonly lastModified: string;
  readonly etag: string;
  /** The file's current content. */
  readonly isLatest: boolean;
}

/**
 * The versions of one file (not its delete markers), newest first: at most the newest 1000, from one
 * listing. S3 lists the exact key before every longer key that starts with it, so its versions come first.
 */
export async function fileVersions(s3: S3Client, bucket: string, key: ObjectKey): Promise<FileVersion[]> {
  const page = await s3.send(
    new ListObjectVersionsCommand({ Bucket: bucket, Prefix: key, MaxKeys: MAX_KEYS_PER_CALL }),
  );
  return (page.Versions ?? [])
    .filter((version) => version.Key === key && version.VersionId !== undefined)
    .map((version) => ({
      versionId: version.VersionId as string,
      size: version.Size ?? 0,
      lastModified: (version.LastModified ?? new Date(0)).toISOString(),
      etag: unquoteEtag(version.ETag),
      isLatest: version.IsLatest === true,
    }));
}
