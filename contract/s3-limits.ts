/** S3's own limits, as AWS documents them. Every other module takes them from here. */

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;

/** Every part of a multipart upload but the last is at least this big… */
export const MIN_PART_BYTES = 5 * MiB;
/** …and at most this big. */
export const MAX_PART_BYTES = 5 * GiB;
/** Part numbers are 1..10,000. */
export const MAX_PARTS = 10_000;
/** The largest object one PutObject may write. */
export const MAX_SINGLE_PUT_BYTES = 5 * GiB;
/** The most keys one ListObjectsV2 page returns, and one DeleteObjects call takes. */
export const MAX_KEYS_PER_CALL = 1000;
/** The longest key, in UTF-8 bytes. */
export const MAX_KEY_BYTES = 1024;
