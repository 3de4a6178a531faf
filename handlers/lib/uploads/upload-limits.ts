import {
  MAX_PARTS_PER_UPLOAD,
  UPLOAD_MAX_FILE_BYTES,
  UPLOAD_MULTIPART_THRESHOLD_BYTES,
  UPLOAD_PART_BYTES,
} from '../../../contract/settings';
import { readInteger } from '../wiring/env';

const MiB = 1024 * 1024;

export interface UploadLimits {
  /** Files up to this size get one presigned PUT; larger ones a multipart upload. */
  readonly multipartThresholdBytes: number;
  /** The size of every part but the last (raised for very large files). */
  readonly partBytes: number;
  /** The largest file a caller may upload; above it POST /uploads answers 413. */
  readonly maxFileBytes: number;
}

/** Read at cold start: a limit S3 could not honour fails the function's init, not a user's upload. */
export function uploadLimitsFromEnv(): UploadLimits {
  return {
    multipartThresholdBytes: readInteger(UPLOAD_MULTIPART_THRESHOLD_BYTES),
    partBytes: readInteger(UPLOAD_PART_BYTES),
    maxFileBytes: readInteger(UPLOAD_MAX_FILE_BYTES),
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
  return { partSize, parts: cutIntoParts(size, partSize) };
}

/** The parts of `size` bytes in parts of `partSize`, the last one holding the rest (at least one part). */
export function cutIntoParts(size: number, partSize: number): PlannedPart[] {
  const count = Math.max(1, Math.ceil(size / partSize));
  return Array.from({ length: count }, (_, index) => ({
    partNumber: index + 1,
    size: Math.min(partSize, size - index * partSize),
  }));
}
