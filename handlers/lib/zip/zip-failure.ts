import { isNotFound } from '../s3/s3-errors';

/** Where a zip failed: the job record shows the message, the logs show the cause. */
export type ZipFailureStage = 'input' | 'read' | 'upload' | 'complete' | 'stopped';

/**
 * What went wrong, for code to branch on (never the message's text): `input` — a name, size or the
 * archive's size refused before any request; `source-changed` — a source was deleted or replaced since the
 * job was made (404, 412 on its ETag, another size; also 403, which S3 answers a role without
 * s3:ListBucket for a missing key); `source-unreadable` — any other read failure; `upload` and `complete`
 * — writing the archive; `stopped` — the caller's signal (out of time).
 */
export type ZipFailureReason =
  | 'input'
  | 'source-changed'
  | 'source-unreadable'
  | 'upload'
  | 'complete'
  | 'stopped';

const STAGES: Record<ZipFailureReason, ZipFailureStage> = {
  input: 'input',
  'source-changed': 'read',
  'source-unreadable': 'read',
  upload: 'upload',
  complete: 'complete',
  stopped: 'stopped',
};

/**
 * A zip that did not produce an archive. The message is safe to show the user: it names the entry
 * that failed (a path inside the user's own archive) and the stage, never a bucket, key or S3 message;
 * `cause` keeps the original error for the logs.
 */
export class ZipFailedError extends Error {
  readonly stage: ZipFailureStage;
  constructor(
    readonly reason: ZipFailureReason,
    message: string,
    readonly entryName?: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'ZipFailedError';
    this.stage = STAGES[reason];
  }
}

interface Named {
  readonly name: string;
}

/** A read of `entry` failed: "deleted or changed" when S3 says it is gone or another version. */
export function readError(entry: Named, cause: unknown): ZipFailedError {
  if (isSourceGone(cause)) return changedError(entry, cause);
  return new ZipFailedError('source-unreadable', `Could not read "${entry.name}".`, entry.name, { cause });
}

/** A copy whose source is gone or changed names the file; any other copy failure is the archive's. */
export function copyError(entry: Named, cause: unknown): ZipFailedError {
  return isSourceGone(cause) ? changedError(entry, cause) : uploadError(cause);
}

export function changedError(entry: Named, cause: unknown): ZipFailedError {
  const message = `"${entry.name}" was deleted or changed after the zip was requested.`;
  return new ZipFailedError('source-changed', message, entry.name, { cause });
}

export function uploadError(cause: unknown): ZipFailedError {
  return new ZipFailedError('upload', 'Could not write the archive to storage.', undefined, { cause });
}

export function completeError(cause: unknown): ZipFailedError {
  return new ZipFailedError('complete', 'Could not finish the archive in storage.', undefined, { cause });
}

export function stoppedError(signal: AbortSignal | undefined): ZipFailedError {
  const message = 'The zip was stopped before it finished (out of time).';
  return new ZipFailedError('stopped', message, undefined, { cause: signal?.reason });
}

/** Any error as a zip failure: one already typed keeps its reason, anything else is the upload's. */
export function asZipError(error: unknown): ZipFailedError {
  return error instanceof ZipFailedError ? error : uploadError(error);
}

/** 412: the object changed since the plan (If-Match); a missing one may answer 403 (s3/s3-errors.ts). */
function isSourceGone(cause: unknown): boolean {
  const status = (cause as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  return status === 412 || isNotFound(cause);
}
