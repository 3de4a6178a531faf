import { type WorkerDeps, workerDepsFromEnv } from './lib/worker-deps';
import { jobsOfS3Event } from './lib/zip-job-event';
import { JOB_STOPPED, markFailed } from './lib/zip-job-records';

/** What a Lambda on-failure destination delivers: the failed invocation's event and why it failed. */
export interface FailureDestinationEvent {
  readonly requestContext?: { readonly condition?: string; readonly approximateInvokeCount?: number };
  readonly requestPayload?: unknown;
}

/**
 * The zip worker's on-failure destination: Lambda calls it when the worker crashed, timed out or threw
 * on every attempt (or the event aged out). It marks the job failed, unless it had finished after all,
 * so that no job stays `running` forever.
 */
export function zipFailed(deps: WorkerDeps) {
  const log = deps.log ?? console.log;
  return async (event: FailureDestinationEvent): Promise<void> => {
    const { jobs, refused } = jobsOfS3Event(event?.requestPayload, deps.bucket);
    for (const job of jobs) await markFailed(deps.s3, deps.bucket, job, JOB_STOPPED);
    log(
      JSON.stringify({
        condition: event?.requestContext?.condition ?? null,
        attempts: event?.requestContext?.approximateInvokeCount ?? null,
        jobs: jobs.map((job) => ({ identityId: job.identityId, jobId: job.jobId })),
        refusedRecords: refused,
      }),
    );
  };
}

export const handler = zipFailed(workerDepsFromEnv());
