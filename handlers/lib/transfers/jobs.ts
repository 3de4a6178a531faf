import { randomUUID } from 'node:crypto';
import type { S3Client } from '@aws-sdk/client-s3';
import { TRANSFER_WORKER_TIMEOUT_SECONDS } from '../../../contract/routes';
import { type IdentityId, isIdentityId, keyIn, type ObjectKey, transfersFolder } from '../files/keys';
import { getTaggedJson } from '../s3/conditional';
import { putJson } from '../s3/json-object';
import { isJobId, type JobRef } from '../zip/jobs/job-keys';
import { NO_PROGRESS, type TransferProgress } from './copy-or-move';
import { type TransferRequest, transferKeys } from './request';

/**
 * A background copy or move: two JSON records under "transfers/<identityId>/<jobId>/", like a zip job's.
 * request.json (what POST /files/copy or /files/move was asked, in user keys) is written once per worker
 * run: its creation starts the transfer worker, and a run that nears Lambda's limit writes it again to
 * start the next one, which goes on after the last key done. status.json holds state and progress.
 */

export type TransferState = 'pending' | 'running' | 'done' | 'failed';

export interface TransferStatus extends TransferProgress {
  readonly status: TransferState;
  readonly operation: TransferRequest['operation'];
  readonly from: string;
  readonly to: string;
  /** Why the job failed: a user-safe sentence. */
  readonly error?: string;
  readonly updatedAt: string;
}

export const TRANSFER_STOPPED = 'The transfer stopped unexpectedly: ask again to finish it.';

/** Room for clock skew, Lambda's retry delays (1 and 2 minutes) and a write in flight. */
const STALE_MARGIN_MS = 5 * 60 * 1000;

function jobFolder(job: JobRef): ObjectKey {
  if (!isIdentityId(job.identityId) || !isJobId(job.jobId)) throw new Error('Invalid transfer reference');
  return keyIn(transfersFolder(job.identityId), `${job.jobId}/`);
}

export function transferRequestKey(job: JobRef): ObjectKey {
  return keyIn(jobFolder(job), 'request.json');
}

function transferStatusKey(job: JobRef): ObjectKey {
  return keyIn(jobFolder(job), 'status.json');
}

/** The job a request key belongs to, or undefined for any key that transferRequestKey cannot have built. */
export function transferOfRequestKey(key: string): JobRef | undefined {
  const [, identityId, jobId, ...rest] = key.split('/');
  if (rest.length !== 1 || !isIdentityId(identityId) || !isJobId(jobId)) return undefined;
  const job = { identityId, jobId };
  return transferRequestKey(job) === key ? job : undefined;
}

/** Records a new job (status first: the request's creation starts the worker, which reads it). */
export async function createTransferJob(
  s3: S3Client,
  bucket: string,
  identityId: IdentityId,
  request: TransferRequest,
): Promise<JobRef> {
  const job = { identityId, jobId: randomUUID() };
  const { operation, from, to } = request;
  await writeTransferStatus(s3, bucket, job, { status: 'pending', operation, from, to, ...NO_PROGRESS });
  await startTransferRun(s3, bucket, job, request);
  return job;
}

/** (Re)writes the request record: each creation starts one worker run. */
export async function startTransferRun(s3: S3Client, bucket: string, job: JobRef, request: TransferRequest) {
  await putJson(s3, bucket, transferRequestKey(job), request);
}

export async function writeTransferStatus(
  s3: S3Client,
  bucket: string,
  job: JobRef,
  status: Omit<TransferStatus, 'updatedAt'>,
): Promise<void> {
  await putJson(s3, bucket, transferStatusKey(job), { ...status, updatedAt: new Date().toISOString() });
}

/** The job's status, or undefined when there is none (never created, expired, or not a status). */
export async function readTransferStatus(
  s3: S3Client,
  bucket: string,
  job: JobRef,
): Promise<TransferStatus | undefined> {
  const value = (await getTaggedJson(s3, bucket, transferStatusKey(job)))?.value as
    | Partial<TransferStatus>
    | null
    | undefined;
  if (typeof value !== 'object' || value === null || typeof value.status !== 'string') return undefined;
  if (!['pending', 'running', 'done', 'failed'].includes(value.status)) return undefined;
  return { ...NO_PROGRESS, ...value } as TransferStatus;
}

/**
 * The job's request, re-checked as POST checked it (transferKeys builds both ends inside the owner's
 * folder), so that even a forged record cannot name another user's files; undefined when absent or bad.
 */
export async function readTransferRequest(
  s3: S3Client,
  bucket: string,
  job: JobRef,
): Promise<TransferRequest | undefined> {
  const value = (await getTaggedJson(s3, bucket, transferRequestKey(job)))?.value as Partial<TransferRequest>;
  if (typeof value !== 'object' || value === null) return undefined;
  const { operation, from, to, overwrite } = value;
  if (operation !== 'copy' && operation !== 'move') return undefined;
  if (typeof from !== 'string' || typeof to !== 'string' || typeof overwrite !== 'boolean') return undefined;
  const request = { operation, from, to, overwrite };
  try {
    transferKeys(job.identityId, request);
  } catch {
    return undefined;
  }
  return request;
}

/**
 * A pending or running job that no run has written for longer than a run may last: its worker is gone.
 * GET reports it failed, and the worker then leaves it alone.
 */
export function isStaleTransfer(status: TransferStatus, now = Date.now()): boolean {
  if (status.status !== 'pending' && status.status !== 'running') return false;
  const updated = Date.parse(status.updatedAt);
  return (
    !Number.isFinite(updated) || now - updated > TRANSFER_WORKER_TIMEOUT_SECONDS * 1000 + STALE_MARGIN_MS
  );
}

/** A job's state as the API answers it (POST's 200 and 202, GET /transfers/{id}). */
export function transferBody(id: string | undefined, status: Omit<TransferStatus, 'updatedAt'>) {
  const { operation, from, to, filesDone, bytesDone, filesFailed, errors, error } = status;
  return {
    ...(id === undefined ? {} : { id }),
    status: status.status,
    operation,
    from,
    to,
    filesDone,
    bytesDone,
    filesFailed,
    errors,
    ...(error === undefined ? {} : { error }),
  };
}
