import { S3Error } from '../errors';
import type { ObjectRemovedEvent } from '../events';
import { isDeleteMarker } from '../store/object-store';
import type { Storage } from '../store/storage';

/** One of a bucket's lifecycle rules, as much of S3's as the stack uses (modules/private-bucket.ts). */
export interface LifecycleRule {
  /** The keys it applies to. */
  readonly prefix: string;
  /** A version is removed this many days after it became noncurrent (its successor was written). */
  readonly noncurrentDays?: number;
  /** A multipart upload still open this many days after it started is aborted. */
  readonly abortIncompleteUploadDays?: number;
  /** A delete marker with no version left under it is removed. */
  readonly expiredDeleteMarkers?: boolean;
}

export interface LifecycleReport {
  readonly expiredVersions: number;
  readonly removedMarkers: number;
  readonly abortedUploads: number;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Runs `rules` over one bucket as S3's daily lifecycle pass does, as of `now`: noncurrent versions past
 * their days and delete markers left alone are removed (each reported to `removed` as S3's
 * LifecycleExpiration:Delete), stale multipart uploads aborted. S3 rounds its days to the next midnight
 * UTC and runs when it likes; here a version goes as soon as its days are over.
 */
export async function runLifecycle(
  storage: Storage,
  bucketName: string,
  rules: readonly LifecycleRule[],
  removed: (event: ObjectRemovedEvent) => void,
  now = Date.now(),
): Promise<LifecycleReport> {
  const { objects, uploads } = storage.bucket(bucketName);
  const rulesOf = (key: string) => rules.filter((rule) => key.startsWith(rule.prefix));
  const expiries: { key: string; versionId: string; marker: boolean }[] = [];
  for (const { key, versions } of objects.versionsFrom(Buffer.alloc(0))) {
    const applying = rulesOf(key);
    const days = Math.min(...applying.map((rule) => rule.noncurrentDays ?? Number.POSITIVE_INFINITY));
    // versions are newest first: each one became noncurrent when the one before it was written.
    for (let i = 1; i < versions.length; i++) {
      if (versions[i - 1].lastModified + days * DAY_MS <= now)
        expiries.push({ key, versionId: versions[i].versionId, marker: isDeleteMarker(versions[i]) });
    }
    const only = versions.length === 1 ? versions[0] : undefined;
    if (only !== undefined && isDeleteMarker(only) && applying.some((rule) => rule.expiredDeleteMarkers))
      expiries.push({ key, versionId: only.versionId, marker: true });
  }
  let expiredVersions = 0;
  let removedMarkers = 0;
  for (const { key, versionId, marker } of expiries) {
    if ((await objects.deleteVersion(key, versionId)) === undefined) continue;
    removed({ bucket: bucketName, key, versionId, lifecycle: true });
    if (marker) removedMarkers++;
    else expiredVersions++;
  }
  let abortedUploads = 0;
  for (const upload of await uploads.list()) {
    const days = Math.min(
      ...rulesOf(upload.key).map((rule) => rule.abortIncompleteUploadDays ?? Number.POSITIVE_INFINITY),
    );
    if (upload.initiated + days * DAY_MS > now) continue;
    try {
      await uploads.withUpload(upload.uploadId, upload.key, () => uploads.remove(upload.uploadId));
      abortedUploads++;
    } catch (error) {
      // Completed or aborted since it was listed.
      if (!(error instanceof S3Error && error.code === 'NoSuchUpload')) throw error;
    }
  }
  return { expiredVersions, removedMarkers, abortedUploads };
}
