import {
  ZIP_MAX_ACTIVE_JOBS,
  ZIP_MAX_BYTES,
  ZIP_MAX_FILES,
  ZIP_QUEUE_TIMEOUT_SECONDS,
} from '../../../../contract/settings';
import { readInteger } from '../../wiring/env';
import type { ZipCaps } from './job-slots';

/** What one zip job may hold; POST /zips refuses more before any byte is zipped. */
export interface ZipLimits {
  /** Files in one archive, after folders are expanded and duplicates dropped. */
  readonly maxFiles: number;
  /** Bytes of all files together. */
  readonly maxBytes: number;
}

/** Keys in one POST /zips body; each folder among them may add many more files. */
export const MAX_ZIP_KEYS = 1000;

/** ZIP_MAX_FILES and ZIP_MAX_BYTES, read at cold start: a bad value fails the function's init. */
export function zipLimitsFromEnv(): ZipLimits {
  return { maxFiles: readInteger(ZIP_MAX_FILES), maxBytes: readInteger(ZIP_MAX_BYTES) };
}

/** ZIP_MAX_ACTIVE_JOBS and ZIP_QUEUE_TIMEOUT_SECONDS, read at cold start. */
export function zipCapsFromEnv(): ZipCaps {
  return {
    maxActiveJobs: readInteger(ZIP_MAX_ACTIVE_JOBS),
    queueTimeoutSeconds: readInteger(ZIP_QUEUE_TIMEOUT_SECONDS),
  };
}

/** ZIP_QUEUE_TIMEOUT_SECONDS, read at cold start: how long a pending job may wait for a worker. */
export function zipQueueTimeoutFromEnv(): number {
  return readInteger(ZIP_QUEUE_TIMEOUT_SECONDS);
}
