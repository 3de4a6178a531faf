/**
 * The bucket's layout: each user's folder is `<identity id>/` (identity ids start `<region>:`), and beside
 * the users' folders the service keeps its own areas under these prefixes. The handlers build their keys
 * under them (handlers/lib/files/keys.ts), the stack scopes grants and lifecycle rules by them
 * (stacks/lockbox-stack.ts, modules/private-bucket.ts), and local mode runs the same rules
 * (local/lifecycle-rules.ts).
 */

/** Zip jobs (request, status, slots, index) and their archives: `zip/<identityId>/`. */
export const ZIPS_PREFIX = 'zip/';
/** The plans of multipart uploads (size, part size): `uploads/<identityId>/`. */
export const UPLOAD_PLANS_PREFIX = 'uploads/';
/** Which folder is whose: `users/<sub>.json`, written by the API, read by the admin CLI. */
export const USER_RECORDS_PREFIX = 'users/';
/** Copy and move jobs' records: `transfers/<identityId>/`. */
export const TRANSFERS_PREFIX = 'transfers/';

/** The undo window: days a noncurrent version of a user's file is kept (an environment may set it). */
export const UNDO_RETENTION_DAYS = { default: 30, min: 1, max: 365 } as const;

/** Days a noncurrent version of the service's own objects (under the prefixes above) is kept. */
export const SERVICE_NONCURRENT_DAYS = 1;

/** Days after which an unfinished multipart upload is aborted, anywhere in the bucket. */
export const ABORT_INCOMPLETE_UPLOAD_DAYS = 1;
