import type { Context } from 'aws-lambda';
import { type ZipWorkerDeps, zipWorkerDepsFromEnv } from './lib/wiring/deps';
import { logLine } from './lib/wiring/log-line';
import { jobsOfS3Event } from './lib/zip/jobs/job-event';
import { JOB_STOPPED, markFailed, readStatus } from './lib/zip/jobs/job-records';
import { releaseSlot } from './lib/zip/jobs/job-slots';

/** What a Lambda on-failure destination delivers: the failed invocation's event and why it failed. */
export interface FailureDestinationEvent {
  readonly requestContext?: { readonly condition?: string; readonly approximateInvokeCount?: number };
  readonly requestPayload?: unknown;
}

/**
 * The zip worker's on-failure destination: Lambda calls it when the worker crashed, timed out or threw
 * on every attempt (or the event aged out). It marks the job failed, unless it had finished after all,
 * so that no job stays `running` forever, and frees its slot. One JSON log line per job says which it did and why.
 */
export function zipFailed(deps: ZipWorkerDeps) {
  const log = deps.log ?? logLine;
  return async (event: FailureDestinationEvent, context: Pick<Context, 'awsRequestId'>): Promise<void> => {
    const { jobs, refused } = jobsOfS3Event(event?.requestPayload, deps.bucket);
    const why = {
      reason: event?.requestContext?.condition ?? null,
      attempts: event?.requestContext?.approximateInvokeCount ?? null,
    };
    // An event that names no job is worth a line too: the destination should only ever get jobs.
    if (refused > 0 || jobs.length === 0)
      log({ requestId: context.awsRequestId, refusedRecords: refused, ...why });
    for (const job of jobs) {
      const started = performance.now();
      // The job's session: its owner's zip area only (this function's caller role grants nothing else).
      const s3 = deps.s3ForJob(job);
      const failed = await markFailed(s3, deps.bucket, job, JOB_STOPPED);
      // The job has ended either way: free its slot, unless a new job has taken it already.
      const slot = (failed ?? (await readStatus(s3, deps.bucket, job)))?.slot;
      if (slot !== undefined) await releaseSlot(s3, deps.bucket, job, slot);
      log({
        requestId: context.awsRequestId,
        identityId: job.identityId,
        jobId: job.jobId,
        // A job that ended (or expired) before the destination ran is left as it was.
        outcome: failed ? 'failed' : 'skipped',
        ...why,
        ...(failed && {
          fileCount: failed.fileCount,
          filesDone: failed.filesDone,
          bytesDone: failed.bytesDone,
        }),
        durationMs: Math.round(performance.now() - started),
      });
    }
  };
}

export const handler = zipFailed(zipWorkerDepsFromEnv());
