import type { Context } from 'aws-lambda';
import { errorSummary } from './lib/errors';
import { ProgressRecorder } from './lib/progress-recorder';
import { type WorkerDeps, workerDepsFromEnv } from './lib/worker-deps';
import { jobsOfS3Event } from './lib/zip-job-event';
import { type JobRef, zipArchiveKey } from './lib/zip-job-keys';
import {
  failedStatus,
  isStale,
  JOB_STOPPED,
  type JobStatus,
  MalformedRecordError,
  markFailed,
  readRequest,
  readStatus,
  writeStatus,
} from './lib/zip-job-records';
import { ZipFailedError, type ZipProgress, zipToS3 } from './lib/zip-stream';

/** Time kept back from Lambda's limit to abort the upload and record the failure. */
export const STOP_MARGIN_MS = 30_000;
export const OUT_OF_TIME = 'The zip job ran out of time: try fewer or smaller files.';

type WorkerContext = Pick<Context, 'awsRequestId' | 'getRemainingTimeInMillis'>;

export interface ZipWorkerOptions {
  /** The least time between two progress writes to status.json. @default 2000 */
  readonly progressIntervalMs?: number;
}

/**
 * The zip worker, invoked asynchronously by the S3 notification for a new request.json. A zip failure is
 * recorded as `failed` and the invocation succeeds (retrying would fail the same way); any other error
 * (e.g. S3 refusing a status write) is thrown, so Lambda retries and finally hands the event to
 * zip-failed. Retries are safe: a finished job is left alone, and the archive has one fixed key that a
 * multipart upload only ever fills completely.
 */
export function zipWorker(deps: WorkerDeps, options: ZipWorkerOptions = {}) {
  const log = deps.log ?? console.log;
  return async (event: unknown, context: WorkerContext): Promise<void> => {
    const { jobs, refused } = jobsOfS3Event(event, deps.bucket);
    // An event that names no job is worth a line too: the S3 notification should only ever send jobs.
    if (refused > 0 || jobs.length === 0) {
      log(JSON.stringify({ requestId: context.awsRequestId, refusedRecords: refused }));
    }
    for (const job of jobs) {
      const started = performance.now();
      const ids = { requestId: context.awsRequestId, identityId: job.identityId, jobId: job.jobId };
      const logOutcome = (outcome: Outcome) =>
        log(JSON.stringify({ ...ids, ...outcome, durationMs: Math.round(performance.now() - started) }));
      let outcome: Outcome;
      try {
        outcome = await runJob(deps, job, context, {
          progressIntervalMs: options.progressIntervalMs ?? 2000,
          progressFailed: (error) =>
            log(JSON.stringify({ ...ids, progressWriteFailed: errorSummary(error) })),
        });
      } catch (error) {
        // Lambda retries the event; this line says why, without the SDK's message.
        logOutcome({ outcome: 'retry', reason: errorSummary(error) });
        throw error;
      }
      logOutcome(outcome);
    }
  };
}

/** The one log line per job: counts and a reason, never a key, a URL, the bucket or an SDK message. */
interface Outcome {
  readonly outcome: 'done' | 'failed' | 'skipped' | 'retry';
  /** Why the job failed, was skipped or will be retried: a stage and an error class. */
  readonly reason?: string;
  readonly fileCount?: number;
  readonly filesDone?: number;
  readonly bytesDone?: number;
  readonly archiveBytes?: number;
}

async function runJob(
  deps: WorkerDeps,
  job: JobRef,
  context: WorkerContext,
  settings: { readonly progressIntervalMs: number; readonly progressFailed: (error: unknown) => void },
): Promise<Outcome> {
  const { s3, bucket } = deps;
  const status = await readStatus(s3, bucket, job);
  if (status === undefined) return { outcome: 'skipped', reason: 'no status record' };
  const counts = ({ filesDone, bytesDone }: ZipProgress) => ({
    fileCount: status.fileCount,
    filesDone,
    bytesDone,
  });
  if (status.status === 'done' || status.status === 'failed') {
    return { outcome: 'skipped', reason: `already ${status.status}`, ...counts(status) };
  }
  // GET /zips/{id} already reports such a job failed: never let it turn done afterwards.
  if (isStale(status)) {
    await writeStatus(s3, bucket, job, failedStatus(status, JOB_STOPPED));
    return { outcome: 'failed', reason: 'stale', ...counts(status) };
  }
  const request = await readRequest(s3, bucket, job).catch((error: unknown) => {
    if (error instanceof MalformedRecordError) return undefined;
    throw error;
  });
  if (request === undefined) {
    await writeStatus(s3, bucket, job, failedStatus(status, JOB_STOPPED));
    return { outcome: 'failed', reason: 'missing or malformed request record', ...counts(status) };
  }

  const running: JobStatus = { ...status, status: 'running', filesDone: 0, bytesDone: 0, updatedAt: now() };
  await writeStatus(s3, bucket, job, running);
  let latest: ZipProgress = { filesDone: 0, bytesDone: 0 };
  const recorder = new ProgressRecorder<ZipProgress>(
    (current) => writeStatus(s3, bucket, job, { ...running, ...current, updatedAt: now() }),
    settings.progressIntervalMs,
    Date.now,
    settings.progressFailed,
  );
  const stop = new AbortController();
  const timer = setTimeout(
    () => stop.abort(),
    Math.max(0, context.getRemainingTimeInMillis() - STOP_MARGIN_MS),
  );
  try {
    const archive = await zipToS3({
      s3,
      bucket,
      targetKey: zipArchiveKey(job),
      entries: request.entries.map((entry) => ({
        s3Key: entry.s3Key,
        name: entry.name,
        size: entry.size,
        lastModified: entry.lastModified === undefined ? undefined : new Date(entry.lastModified),
      })),
      signal: stop.signal,
      onProgress: (progress) => {
        latest = progress;
        recorder.report(progress);
      },
    });
    await recorder.close();
    await writeStatus(s3, bucket, job, {
      ...running,
      ...latest,
      status: 'done',
      size: archive.size,
      updatedAt: now(),
    });
    return { outcome: 'done', ...counts(latest), archiveBytes: archive.size };
  } catch (error) {
    if (!(error instanceof ZipFailedError)) throw error;
    await recorder.close();
    const outOfTime = stop.signal.aborted;
    // Re-read first: a duplicate delivery of the same event may have finished the job meanwhile.
    await markFailed(s3, bucket, job, outOfTime ? OUT_OF_TIME : error.message, latest);
    // error.message names the failed entry (a user's key): the log line keeps to stage and error class.
    const cause = outOfTime ? 'out of time' : error.cause && errorSummary(error.cause);
    const reason = cause ? `${error.stage}: ${cause}` : error.stage;
    return { outcome: 'failed', reason, ...counts(latest) };
  } finally {
    clearTimeout(timer);
  }
}

function now(): string {
  return new Date().toISOString();
}

export const handler = zipWorker(workerDepsFromEnv());
