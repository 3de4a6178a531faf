import type { Context } from 'aws-lambda';
import type { ZipJobOutcome } from '../../../../contract/log-line';
import { errorSummary } from '../../http/errors';
import type { ZipWorkerDeps } from '../../wiring/deps';
import type { ZipProgress } from '../contract';
import { writeZip } from '../write-zip';
import { ZipFailedError } from '../zip-failure';
import type { JobRef } from './job-keys';
import { zipArchiveKey } from './job-keys';
import {
  failedStatus,
  isStale,
  JOB_STOPPED,
  type JobRequest,
  type JobStatus,
  MalformedRecordError,
  markFailed,
  readRequest,
  readTaggedStatus,
  writeStatus,
  writeStatusIf,
} from './job-records';
import { releaseSlot } from './job-slots';
import { ProgressRecorder } from './progress';

/** Time kept back from Lambda's limit to abort the upload and record the failure. */
export const STOP_MARGIN_MS = 30_000;
export const OUT_OF_TIME = 'The zip job ran out of time: try fewer or smaller files.';

export type RunContext = Pick<Context, 'getRemainingTimeInMillis'>;

export interface RunSettings {
  /** The least time between two progress writes to status.json. */
  readonly progressIntervalMs: number;
  /** Told of a progress write that failed; the job goes on. */
  readonly progressFailed: (error: unknown) => void;
  /** How long a pending job may wait for a worker (ZIP_QUEUE_TIMEOUT_SECONDS; records.ts, isStale). */
  readonly queueTimeoutSeconds: number;
}

/**
 * Runs one zip job to its end: skips a job that is missing or already ended, fails a stale or malformed
 * one, otherwise writes its archive and records done or failed, then frees the job's slot (slots.ts).
 * A zip failure is recorded and returned; any other error (e.g. S3 refusing a status write) is thrown, so
 * that Lambda retries the event (and a retry of an ended job frees nothing: a new job's reclaim does).
 */
export async function runJob(
  deps: ZipWorkerDeps,
  job: JobRef,
  context: RunContext,
  settings: RunSettings,
): Promise<ZipJobOutcome> {
  const { bucket } = deps;
  const s3 = deps.s3ForJob(job);
  const read = await readTaggedStatus(s3, bucket, job);
  if (read === undefined) return { outcome: 'skipped', reason: 'no status record' };
  const { status } = read;
  if (status.status === 'done' || status.status === 'failed') {
    return { outcome: 'skipped', reason: `already ${status.status}`, ...counts(status, status) };
  }
  /** Fails the job before it ran: its status says so, and its slot (if it holds one) is freed. */
  const stop = async (reason: string) => {
    await writeStatus(s3, bucket, job, failedStatus(status, JOB_STOPPED));
    return ended(deps, job, status, { outcome: 'failed', reason, ...counts(status, status) });
  };
  // GET /zips/{id} already reports such a job failed: never let it turn done afterwards.
  if (isStale(status, settings.queueTimeoutSeconds)) return stop('stale');
  const request = await readRequest(s3, bucket, job).catch((error: unknown) => {
    if (error instanceof MalformedRecordError) return undefined;
    throw error;
  });
  if (request === undefined) return stop('missing or malformed request record');
  return runRequest(deps, job, read, request, context, settings);
}

/**
 * Runs a job's checked request: marks the job running (only over the status read), writes its archive
 * and records done or failed, then frees the slot, all with the job's own session (deps.s3ForJob: the
 * owner's files and zip area, and this archive).
 */
export async function runRequest(
  deps: ZipWorkerDeps,
  job: JobRef,
  { status, etag }: { readonly status: JobStatus; readonly etag: string },
  request: JobRequest,
  context: RunContext,
  settings: RunSettings,
): Promise<ZipJobOutcome> {
  const { bucket } = deps;
  const s3 = deps.s3ForJob(job);
  const running: JobStatus = { ...status, status: 'running', filesDone: 0, bytesDone: 0, updatedAt: now() };
  // Only over the status just read: a POST /zips that found the job stale may have failed it meanwhile
  // (slots.ts), and a failed job must never run.
  if (!(await writeStatusIf(s3, bucket, job, running, { ifMatch: etag }))) {
    return { outcome: 'skipped', reason: 'status changed before the start', ...counts(status, status) };
  }
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
    // Planned once, then written by yazl (no file to copy) or by the copy engine (S3 copies every large
    // file with a known CRC-32): planner.ts.
    const archive = await writeZip({
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
    return ended(deps, job, status, {
      outcome: 'done',
      ...counts(status, latest),
      archiveBytes: archive.size,
      copiedBytes: archive.copiedBytes,
      strategy: archive.strategy,
    });
  } catch (error) {
    if (!(error instanceof ZipFailedError)) throw error;
    await recorder.close();
    const outOfTime = stop.signal.aborted;
    // Re-read first: a duplicate delivery of the same event may have finished the job meanwhile.
    await markFailed(s3, bucket, job, outOfTime ? OUT_OF_TIME : error.message, latest);
    // error.message names the failed entry (a user's key): the log line keeps to stage and error class.
    const cause = outOfTime ? 'out of time' : error.cause && errorSummary(error.cause);
    const reason = cause ? `${error.stage}: ${cause}` : error.stage;
    return ended(deps, job, status, { outcome: 'failed', reason, ...counts(status, latest) });
  } finally {
    clearTimeout(timer);
  }
}

/** The job has ended: frees its slot, if it holds one. */
async function ended(
  { s3ForJob, bucket }: ZipWorkerDeps,
  job: JobRef,
  status: JobStatus,
  outcome: ZipJobOutcome,
): Promise<ZipJobOutcome> {
  if (status.slot !== undefined) await releaseSlot(s3ForJob(job), bucket, job, status.slot);
  return outcome;
}

function counts(status: JobStatus, { filesDone, bytesDone }: ZipProgress) {
  return { fileCount: status.fileCount, filesDone, bytesDone };
}

function now(): string {
  return new Date().toISOString();
}
