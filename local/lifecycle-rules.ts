import type { LifecycleRule } from './s3';

/** The stack's defaults (modules/private-bucket.ts, stacks/environments.ts): the undo window, stale uploads. */
const UNDO_DAYS = 30;
const ABORT_UPLOAD_DAYS = 1;
const SERVICE_NONCURRENT_DAYS = 1;

/**
 * The bucket's lifecycle rules as local mode runs them: those of the stack's bucket that free space or
 * end uploads (noncurrent versions of users' files after the undo window, of the service's own objects
 * after a day; multipart uploads open for a day; delete markers left alone). The stack's expiry of
 * current zips and upload plans by age is not run here.
 */
export function localLifecycleRules(region: string): LifecycleRule[] {
  return [
    { prefix: '', abortIncompleteUploadDays: ABORT_UPLOAD_DAYS, expiredDeleteMarkers: true },
    { prefix: `${region}:`, noncurrentDays: UNDO_DAYS },
    ...['zip/', 'uploads/', 'users/'].map((prefix) => ({ prefix, noncurrentDays: SERVICE_NONCURRENT_DAYS })),
  ];
}
