/** Where a zip failed: the job record shows the message, the logs show the cause. */
export type ZipFailureStage = 'input' | 'read' | 'upload' | 'complete' | 'stopped';

/**
 * A zip that did not produce an archive. The message is safe to show the user: it names the entry
 * that failed (a path inside the user's own archive) and the stage, never a bucket, key or S3 message;
 * `cause` keeps the original error for the logs.
 */
export class ZipFailedError extends Error {
  constructor(
    readonly stage: ZipFailureStage,
    message: string,
    readonly entryName?: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'ZipFailedError';
  }
}
