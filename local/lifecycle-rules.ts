import {
  ABORT_INCOMPLETE_UPLOAD_DAYS,
  SERVICE_NONCURRENT_DAYS,
  TRANSFERS_PREFIX,
  UNDO_RETENTION_DAYS,
  UPLOAD_PLANS_PREFIX,
  USER_RECORDS_PREFIX,
  ZIPS_PREFIX,
} from '../contract/bucket-layout';
import type { LifecycleRule } from './s3';

const SERVICE_PREFIXES = [ZIPS_PREFIX, UPLOAD_PLANS_PREFIX, USER_RECORDS_PREFIX, TRANSFERS_PREFIX];

/**
 * The bucket's lifecycle rules as local mode runs them: those of the stack's bucket (modules/private-bucket.ts)
 * that free space or end uploads, with the stack's default days (noncurrent versions of users' files after
 * the undo window, of the service's own objects after a day; multipart uploads open for a day; delete
 * markers left alone). The stack's expiry of current zips, upload plans and transfer records by age is not
 * run here.
 */
export function localLifecycleRules(region: string): LifecycleRule[] {
  return [
    { prefix: '', abortIncompleteUploadDays: ABORT_INCOMPLETE_UPLOAD_DAYS, expiredDeleteMarkers: true },
    { prefix: `${region}:`, noncurrentDays: UNDO_RETENTION_DAYS.default },
    ...SERVICE_PREFIXES.map((prefix) => ({ prefix, noncurrentDays: SERVICE_NONCURRENT_DAYS })),
  ];
}
