import { type QuotaDeps, quotaFromEnv } from './lib/quotas/quota-deps';
import { runTransferJob } from './lib/transfers/job-run';
import { transferOfRequestKey } from './lib/transfers/jobs';
import { type TransferWorkerDeps, transferWorkerDepsFromEnv } from './lib/wiring/deps';
import { jobWorker } from './lib/wiring/job-worker';
import { logLine } from './lib/wiring/log-line';

/**
 * The transfer worker, invoked asynchronously by the S3 notification for a transfer's request.json (each
 * run of a job writes it again to start the next). One JSON log line per run: counts and an outcome,
 * never a key or an SDK message. An error it cannot record is thrown, so that Lambda retries the run.
 */
export function transferWorker(deps: TransferWorkerDeps, quota: QuotaDeps = quotaFromEnv()) {
  const log = deps.log ?? logLine;
  return jobWorker({ bucket: deps.bucket, log, jobOfKey: transferOfRequestKey }, (job, context) =>
    runTransferJob(deps, quota, job, context),
  );
}

export const handler = transferWorker(transferWorkerDepsFromEnv());
