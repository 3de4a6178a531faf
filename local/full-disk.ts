import { statfsSync } from 'node:fs';

/**
 * What local mode does when its data folder's disk is full: writes are refused with a clear answer
 * before they reach the embedded S3 or the usage table, and everything that only reads keeps working.
 * (AWS has no such state; this is a local-mode guard only.)
 */

/** Below this much free space a write is refused: room for the usage table's and the outbox's own writes. */
export const MIN_FREE_BYTES = 8 * 1024 * 1024;

export const FULL_DISK_MESSAGE =
  "The local system's data folder is full: free disk space, then retry. Reading files still works.";

/** Whether the disk holding `dir` has less than MIN_FREE_BYTES free (statfs, as `df` reports it). */
export function isDiskFull(dir: string): boolean {
  const { bavail, bsize } = statfsSync(dir);
  return bavail * bsize < MIN_FREE_BYTES;
}

/** Node's and LevelDB's ways of saying "no space left on device". */
export function isNoSpaceError(error: unknown): boolean {
  for (let cause = error; typeof cause === 'object' && cause !== null; cause = (cause as Error).cause) {
    const { code, message } = cause as { code?: unknown; message?: unknown };
    if (
      code === 'ENOSPC' ||
      (typeof message === 'string' && /ENOSPC|No space left on device/.test(message))
    ) {
      return true;
    }
  }
  return false;
}
