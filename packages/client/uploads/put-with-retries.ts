/**
 * PUTs one body (a whole file or one part) to a presigned URL until S3 takes it: a network failure or an
 * S3 5xx is retried with backoff, an expired URL is re-signed and sent again, anything else is final.
 */
import { LockboxError, throwIfAborted } from '../errors.js';
import { sleep } from '../sleep.js';
import type { PutBody, PutBytes } from './put-bytes.js';
import { s3ErrorOf, verdictOf } from './s3-answer.js';

/** A part may fail three times and still get through on the fourth try. */
export const MAX_ATTEMPTS = 4;
/** Re-signing twice in a row without S3 taking the URL means something else is wrong. */
const MAX_RESIGNS = 3;
const FIRST_BACKOFF_MS = 200;

export interface Target {
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
}

export interface PutJob {
  readonly body: PutBody;
  readonly label: string;
  /** The URL to use; `expired` is the one S3 just refused as expired (get a fresh one). */
  target(expired: Target | undefined): Promise<Target>;
  onProgress(loaded: number): void;
}

/** Resolves with S3's ETag for the body. */
export async function putWithRetries(put: PutBytes, job: PutJob, signal: AbortSignal): Promise<string> {
  let failures = 0;
  let resigns = 0;
  let expired: Target | undefined;
  for (;;) {
    throwIfAborted(signal);
    const target = await job.target(expired);
    expired = undefined;
    let problem: string;
    try {
      const answer = await put(target.url, job.body, target.headers, (n) => job.onProgress(n), signal);
      const verdict = verdictOf(answer);
      if (verdict === 'ok') {
        if (answer.etag === null) {
          throw new LockboxError(
            'UploadFailed',
            `S3 sent no ETag for ${job.label} (is it exposed by CORS?).`,
            answer.status,
          );
        }
        return answer.etag;
      }
      const { code, message } = s3ErrorOf(answer);
      problem = `${code}${message ? `: ${message}` : ''}`;
      if (verdict === 'refused') {
        throw new LockboxError('UploadFailed', `S3 refused ${job.label}: ${problem}`, answer.status);
      }
      if (verdict === 'expired') {
        job.onProgress(0);
        if (++resigns > MAX_RESIGNS)
          throw new LockboxError('UploadFailed', `S3 keeps refusing ${job.label}: ${problem}`, answer.status);
        expired = target;
        continue;
      }
    } catch (error) {
      if (!(error instanceof LockboxError) || error.code !== 'NetworkError') throw error;
      problem = error.message;
    }
    job.onProgress(0);
    if (++failures >= MAX_ATTEMPTS) {
      throw new LockboxError('UploadFailed', `${job.label} failed ${failures} times; last: ${problem}`);
    }
    await sleep(FIRST_BACKOFF_MS * 2 ** (failures - 1), signal);
  }
}
