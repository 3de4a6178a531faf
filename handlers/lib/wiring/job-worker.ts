import type { Context } from 'aws-lambda';
import type { TransferJobOutcome, ZipJobOutcome } from '../../../contract/log-line';
import { errorSummary } from '../http/errors';
import { jobsOfS3Event } from '../zip/jobs/job-event';
import type { JobRef } from '../zip/jobs/job-keys';
import type { LogSink } from './log-line';

export type WorkerContext = Pick<Context, 'awsRequestId' | 'getRemainingTimeInMillis'>;

/** What every log line about one job of an invocation names. */
export interface JobIds {
  readonly requestId: string;
  readonly identityId: string;
  readonly jobId: string;
}

export interface JobWorkerProps {
  readonly bucket: string;
  readonly log: LogSink;
  /** The job a request record's key names (jobsOfS3Event). @default a zip job's */
  readonly jobOfKey?: (key: string) => JobRef | undefined;
}

/**
 * A worker invoked asynchronously by the S3 notification for its jobs' request records: runs each job the
 * event names and logs one line per job, its outcome and duration. An error a run throws is logged as
 * `retry` (its class and S3 code only) and thrown again, so that Lambda retries the event.
 */
export function jobWorker(
  { bucket, log, jobOfKey }: JobWorkerProps,
  run: (job: JobRef, context: WorkerContext, ids: JobIds) => Promise<ZipJobOutcome | TransferJobOutcome>,
): (event: unknown, context: WorkerContext) => Promise<void> {
  return async (event, context) => {
    const { jobs, refused } = jobsOfS3Event(event, bucket, jobOfKey);
    // An event that names no job is worth a line too: the S3 notification should only ever send jobs.
    if (refused > 0 || jobs.length === 0) {
      log({ requestId: context.awsRequestId, refusedRecords: refused });
    }
    for (const job of jobs) {
      const started = performance.now();
      const ids = { requestId: context.awsRequestId, identityId: job.identityId, jobId: job.jobId };
      const logOutcome = (outcome: ZipJobOutcome | TransferJobOutcome) =>
        log({ ...ids, ...outcome, durationMs: Math.round(performance.now() - started) });
      let outcome: ZipJobOutcome | TransferJobOutcome;
      try {
        outcome = await run(job, context, ids);
      } catch (error) {
        // Lambda retries the event; this line says why, without the SDK's message.
        logOutcome({ outcome: 'retry', reason: errorSummary(error) });
        throw error;
      }
      logOutcome(outcome);
    }
  };
}
