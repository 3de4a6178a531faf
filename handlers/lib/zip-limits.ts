import { intFromEnv } from './env';

/** What one zip job may hold; POST /zips refuses more before any byte is zipped. */
export interface ZipLimits {
  /** Files in one archive, after folders are expanded and duplicates dropped. */
  readonly maxFiles: number;
  /** Bytes of all files together. */
  readonly maxBytes: number;
}

/** Keys in one POST /zips body; each folder among them may add many more files. */
export const MAX_ZIP_KEYS = 1000;

export const DEFAULT_ZIP_MAX_FILES = 10_000;
/**
 * 20 GiB: what one worker run can stream well within Lambda's 15 minutes even at a conservative
 * 40 MiB/s (about 8.5 minutes). Raise it only with measured throughput to back it.
 */
export const DEFAULT_ZIP_MAX_BYTES = 20 * 1024 ** 3;

/** ZIP_MAX_FILES and ZIP_MAX_BYTES, read at cold start: a bad value fails the function's init. */
export function zipLimitsFromEnv(): ZipLimits {
  return {
    maxFiles: intFromEnv('ZIP_MAX_FILES', DEFAULT_ZIP_MAX_FILES, 1, 1_000_000),
    maxBytes: intFromEnv('ZIP_MAX_BYTES', DEFAULT_ZIP_MAX_BYTES),
  };
}
