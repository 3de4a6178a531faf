import { errorSummary } from './lib/http/errors';
import { type ZipWorkerDeps, zipWorkerDepsFromEnv } from './lib/wiring/deps';
import { jobWorker } from './lib/wiring/job-worker';
import { logLine } from './lib/wiring/log-line';
import { zipQueueTimeoutFromEnv } from './lib/zip/jobs/job-limits';
import { runJob } from './lib/zip/jobs/run-job';

export interface ZipWorkerOptions {
  /** The least time between two progress writes to status.json. @default 2000 */
  readonly progressIntervalMs?: number;
  /** How long a pending job may wait for a worker. @default ZIP_QUEUE_TIMEOUT_SECONDS */
  readonly queueTimeoutSeconds?: number;
}

/**
 * The zip worker, invoked asynchronously by the S3 notification for a new request.json. A zip failure is
 * recorded as `failed` and the invocation succeeds (retrying would fail the same way); any other error
 * (e.g. S3 refusing a status write) is thrown, so Lambda retries and finally hands the event to
 * zip-failed. Retries are safe: a finished job is left alone, and the archive has one fixed key that a
 * multipart upload only ever fills completely. One JSON log line per job: counts and a reason, never a
 * key, a URL, the bucket or an SDK message.
 */
export function zipWorker(deps: ZipWorkerDeps, options: ZipWorkerOptions = {}) {
  const log = deps.log ?? logLine;
  const queueTimeoutSeconds = options.queueTimeoutSeconds ?? zipQueueTimeoutFromEnv();
  return jobWorker({ bucket: deps.bucket, log }, (job, context, ids) =>
    runJob(deps, job, context, {
      progressIntervalMs: options.progressIntervalMs ?? 2000,
      queueTimeoutSeconds,
      progressFailed: (error) => log({ ...ids, progressWriteFailed: errorSummary(error) }),
    }),
  );
}

export const handler = zipWorker(zipWorkerDepsFromEnv());
