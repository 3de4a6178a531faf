import { intFromEnv } from './env';

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;

/** S3's multipart rules: every part but the last is 5 MiB..5 GiB, part numbers are 1..10,000. */
export const MIN_PART_BYTES = 5 * MiB;
export const MAX_PART_BYTES = 5 * GiB;
export const MAX_PART_NUMBER = 10_000;
/** S3's limit on one PUT. */
export const MAX_SINGLE_PUT_BYTES = 5 * GiB;
/**
 * At most this many part URLs in one response. A URL is up to ~4.4 KB (a 1024-byte non-ASCII key
 * percent-encoded, plus the Lambda role's session token): 1000 of them measured 4.2 MiB, too near Lambda's
 * 6 MB response limit; 500 stay near 2 MiB. Larger files get larger parts instead.
 */
export const MAX_PARTS_PER_UPLOAD = 500;

export interface UploadLimits {
  /** Files up to this size get one presigned PUT; larger ones a multipart upload. @default 16 MiB */
  readonly multipartThresholdBytes: number;
  /** The size of every part but the last (raised for very large files). @default 16 MiB */
  readonly partBytes: number;
  /** The largest file a caller may upload; above it POST /uploads answers 413. @default 5 GiB */
  readonly maxFileBytes: number;
}

/** Read at cold start: a limit S3 could not honour fails the function's init, not a user's upload. */
export function uploadLimitsFromEnv(): UploadLimits {
  return {
    multipartThresholdBytes: intFromEnv(
      'UPLOAD_MULTIPART_THRESHOLD_BYTES',
      16 * MiB,
      MIN_PART_BYTES,
      MAX_SINGLE_PUT_BYTES,
    ),
    partBytes: intFromEnv('UPLOAD_PART_BYTES', 16 * MiB, MIN_PART_BYTES, MAX_PART_BYTES),
    maxFileBytes: intFromEnv('UPLOAD_MAX_FILE_BYTES', 5 * GiB, 1, MAX_PARTS_PER_UPLOAD * MAX_PART_BYTES),
  };
}

export interface PlannedPart {
  readonly partNumber: number;
  /** Bytes in this part: the signed Content-Length of its URL. */
  readonly size: number;
}

export interface PartPlan {
  readonly partSize: number;
  readonly parts: readonly PlannedPart[];
}

/**
 * How a multipart upload of `size` bytes is cut: parts of `partBytes` (rounded up to whole MiB when needed
 * to stay within MAX_PARTS_PER_UPLOAD), the last one holding the rest.
 */
export function planParts(size: number, partBytes: number): PartPlan {
  const partSize = Math.max(partBytes, Math.ceil(size / MAX_PARTS_PER_UPLOAD / MiB) * MiB);
  const count = Math.max(1, Math.ceil(size / partSize));
  const parts = Array.from({ length: count }, (_, index) => ({
    partNumber: index + 1,
    size: Math.min(partSize, size - index * partSize),
  }));
  return { partSize, parts };
}
