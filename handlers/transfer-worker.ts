import type { Context } from 'aws-lambda';
import type { TransferJobOutcome } from '../contract/log-line';
import { errorSummary } from './lib/http/errors';
import { type QuotaDeps, quotaFromEnv } from './lib/quotas/quota-deps';
import { runTransferJob } from './lib/transfers/job-run';
import { transferOfRequestKey } from './lib/transfers/jobs';
import { type TransferWorkerDeps, transferWorkerDepsFromEnv } from './lib/wiring/deps';
import { logLine } from './lib/wiring/log-line';
import { jobsOfS3Event } from './lib/zip/jobs/job-event';

type WorkerContext = Pick<Context, 'awsRequestId' | 'getRemainingTimeInMillis'>;

/**
 * The transfer worker, invoked asynchronously by the S3 notification for a transfer's request.json (each
 * run of a job writes it again to start the next). One JSON log line per run: counts and an outcome,
 * never a key or an SDK message. An error it cannot record is thrown, so that Lambda retries the run.
 */
export function transferWorker(deps: TransferWorkerDeps, quota: QuotaDeps = quotaFromEnv()) {
  const log = deps.log ?? logLine;
  return async (event: unknown, context: WorkerContext): Promise<void> => {
    const { jobs, refused } = jobsOfS3Event(event, deps.bucket, transferOfRequestKey);
    if (refused > 0 || jobs.length === 0) {
      log({ requestId: context.awsRequestId, refusedRecords: refused });
    }
    for (const job of jobs) {
      const started = performance.now();
      const ids = { requestId: context.awsRequestId, identityId: job.identityId, jobId: job.jobId };
      const logOutcome = (outcome: TransferJobOutcome) =>
        log({ ...ids, ...outcome, durationMs: Math.round(performance.now() - started) });
      try {
        logOutcome(await runTransferJob(deps, quota, job, context));
      } catch (error) {
        logOutcome({ outcome: 'retry', reason: errorSummary(error) });
        throw error;
      }
    }
  };
}

export const handler = transferWorker(transferWorkerDepsFromEnv());
