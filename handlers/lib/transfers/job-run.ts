import type { Context } from 'aws-lambda';
import type { TransferJobOutcome } from '../../../contract/log-line';
import { ApiError, errorSummary } from '../http/errors';
import { holdForWrite } from '../quotas/hold';
import type { QuotaDeps } from '../quotas/quota-deps';
import type { TransferWorkerDeps } from '../wiring/deps';
import type { JobRef } from '../zip/jobs/job-keys';
import { type TransferTarget, transferFile, transferFolder } from './copy-or-move';
import {
  isStaleTransfer,
  readTransferRequest,
  readTransferStatus,
  startTransferRun,
  TRANSFER_STOPPED,
  type TransferStatus,
  writeTransferStatus,
} from './jobs';
import { transferKeys } from './request';

/** Time kept back from Lambda's limit to record progress and start the next run. */
export const RUN_MARGIN_MS = 60_000;

export type RunContext = Pick<Context, 'getRemainingTimeInMillis'>;

/**
 * One worker run of a transfer job: skips a job that is missing or ended, fails a stale or malformed one,
 * otherwise goes on from its recorded progress, page by page, recording it after each. A run that nears
 * Lambda's limit records its progress and writes the request again, which starts the next run. A failure
 * of S3 or the quota table on the whole job is recorded as failed (asking again finishes what is left);
 * a failed status write is thrown, so that Lambda retries the run.
 */
export async function runTransferJob(
  deps: TransferWorkerDeps,
  quota: QuotaDeps,
  job: JobRef,
  context: RunContext,
): Promise<TransferJobOutcome> {
  const { s3, bucket } = deps;
  const status = await readTransferStatus(s3, bucket, job);
  if (status === undefined) return { outcome: 'skipped', reason: 'no status record' };
  if (status.status === 'done' || status.status === 'failed')
    return { outcome: 'skipped', reason: status.status };
  const request = await readTransferRequest(s3, bucket, job);
  const fail = async (from: TransferStatus, error: string, reason: string): Promise<TransferJobOutcome> => {
    await writeTransferStatus(s3, bucket, job, { ...from, status: 'failed', error });
    const outcome = reason === 'refused' ? 'refused' : 'failed';
    return { outcome, reason, filesDone: from.filesDone, filesFailed: from.filesFailed };
  };
  // GET /transfers/{id} already reports a stale job failed: never let it turn done afterwards.
  if (isStaleTransfer(status)) return fail(status, TRANSFER_STOPPED, 'stale');
  if (request === undefined) return fail(status, TRANSFER_STOPPED, 'malformed request');

  const { identityId } = job;
  const target: TransferTarget = {
    s3: deps.s3ForCaller(identityId),
    bucket,
    identityId,
    ...(request.operation === 'copy'
      ? { hold: (key, size) => holdForWrite(quota, identityId, key, size) }
      : {}),
  };
  const keys = transferKeys(identityId, request);
  let current: TransferStatus = { ...status, status: 'running' };
  await writeTransferStatus(s3, bucket, job, current);
  try {
    if (!keys.folder) {
      current = { ...current, ...(await transferFile(target, request.operation, keys, request.overwrite)) };
    } else {
      const { progress, complete } = await transferFolder(
        target,
        request.operation,
        keys,
        request.overwrite,
        current,
        async (progress) => {
          current = { ...current, ...progress };
          if (context.getRemainingTimeInMillis() > RUN_MARGIN_MS) {
            await writeTransferStatus(s3, bucket, job, current);
            return true;
          }
          return false;
        },
      );
      current = { ...current, ...progress };
      if (!complete) {
        await writeTransferStatus(s3, bucket, job, current);
        await startTransferRun(s3, bucket, job, request);
        return { outcome: 'continued', filesDone: current.filesDone, filesFailed: current.filesFailed };
      }
    }
  } catch (error) {
    // A file job's own refusals are the caller's to read; anything else says only that it failed.
    if (error instanceof ApiError) return fail(current, error.message, 'refused');
    return fail(current, 'The transfer failed: ask again to finish it.', errorSummary(error));
  }
  await writeTransferStatus(s3, bucket, job, { ...current, status: 'done' });
  return { outcome: 'done', filesDone: current.filesDone, filesFailed: current.filesFailed };
}
