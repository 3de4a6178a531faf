import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { ZIP_WORKER_TIMEOUT_SECONDS } from '../../../../contract/routes';
import { type ObjectKey, userFolder } from '../../files/keys';
import { provesAbsent } from '../../s3/absent';
import { getTaggedJson, putJsonIf, type WriteCondition } from '../../s3/conditional';
import { putJson } from '../../s3/json-object';
import { type JobRef, zipRequestKey, zipStatusKey } from './job-keys';

/**
 * The two JSON records of a zip job in S3: request.json (what to zip, written once by POST /zips) and
 * status.json (state and progress, rewritten by the worker). S3 is the only store: no table to provision,
 * and the bucket's lifecycle rule expires records and archives together.
 */

export interface JobEntry {
  /** The source object, always under the job owner's folder. */
  readonly s3Key: ObjectKey;
  /** The entry's name inside the archive: relative, safe and unique within the job. */
  readonly name: string;
  readonly size: number;
  /** The source's last-modified time (ISO 8601), which the archive shows for the entry. */
  readonly lastModified?: string;
}

export interface JobRequest {
  readonly name: string;
  readonly entries: readonly JobEntry[];
  readonly createdAt: string;
}

export type JobState = 'pending' | 'running' | 'done' | 'failed';

export interface JobStatus {
  readonly status: JobState;
  /** The archive's download name, kept here so that polling reads one small object. */
  readonly name: string;
  readonly fileCount: number;
  readonly totalBytes: number;
  readonly filesDone: number;
  readonly bytesDone: number;
  /** The archive's size, once done. */
  readonly size?: number;
  /** Why the job failed: a user-safe sentence. */
  readonly error?: string;
  readonly updatedAt: string;
  /** The caller's slot (slots.ts) the job holds until it ends. */
  readonly slot?: number;
}

export const JOB_STOPPED = 'The zip job stopped unexpectedly.';

/** A record that POST /zips cannot have written: retrying will not mend it. */
export class MalformedRecordError extends Error {}

/** Room for clock skew, Lambda's retry delays (1 and 2 minutes) and a write in flight. */
const STALE_MARGIN_MS = 5 * 60 * 1000;

/**
 * Whether a pending or running job has no worker any more and never will. A pending job waits in Lambda's
 * asynchronous queue for up to `queueTimeoutSeconds` (the worker's maximum event age: Lambda drops the
 * event after it); a running one is rewritten at least at the start of each worker run, which Lambda
 * stops after ZIP_WORKER_TIMEOUT_SECONDS. Each gets a margin on top.
 */
export function isStale(status: JobStatus, queueTimeoutSeconds: number, now = Date.now()): boolean {
  if (status.status !== 'pending' && status.status !== 'running') return false;
  const updated = Date.parse(status.updatedAt);
  return !Number.isFinite(updated) || now - updated > staleAfterMs(status.status, queueTimeoutSeconds);
}

/** How long a job in `state` may go without a status write before isStale calls it stale. */
export function staleAfterMs(state: 'pending' | 'running', queueTimeoutSeconds: number): number {
  const waitSeconds = state === 'pending' ? queueTimeoutSeconds : ZIP_WORKER_TIMEOUT_SECONDS;
  return waitSeconds * 1000 + STALE_MARGIN_MS;
}

export async function writeStatus(s3: S3Client, bucket: string, job: JobRef, status: JobStatus) {
  await putJson(s3, bucket, zipStatusKey(job), status);
}

/** Creates the job's request record; false when the job already has one (its id was taken). */
export async function createRequest(s3: S3Client, bucket: string, job: JobRef, request: JobRequest) {
  return putJsonIf(s3, bucket, zipRequestKey(job), request, { ifNoneMatch: '*' });
}

/**
 * Writes the job's status only if `condition` holds (the status is new, or unchanged since it was read
 * with that ETag); false when it does not.
 */
export async function writeStatusIf(
  s3: S3Client,
  bucket: string,
  job: JobRef,
  status: JobStatus,
  condition: WriteCondition,
): Promise<boolean> {
  return putJsonIf(s3, bucket, zipStatusKey(job), status, condition);
}

/** The job's status with its ETag, for a conditional rewrite; undefined when the job does not exist. */
export async function readTaggedStatus(
  s3: S3Client,
  bucket: string,
  job: JobRef,
): Promise<{ status: JobStatus; etag: string } | undefined> {
  const tagged = await getTaggedJson(s3, bucket, zipStatusKey(job));
  return tagged === undefined ? undefined : { status: parseStatus(tagged.value), etag: tagged.etag };
}

/** The job's status, or undefined when the job does not exist (or has expired). */
export async function readStatus(s3: S3Client, bucket: string, job: JobRef): Promise<JobStatus | undefined> {
  const value = await getJson(s3, bucket, zipStatusKey(job));
  return value === undefined ? undefined : parseStatus(value);
}

/**
 * The job's request, re-checked: every source must lie in the owner's own folder, so that even a forged
 * record could not make the worker read another user's files.
 */
export async function readRequest(
  s3: S3Client,
  bucket: string,
  job: JobRef,
): Promise<JobRequest | undefined> {
  const value = await getJson(s3, bucket, zipRequestKey(job));
  return value === undefined ? undefined : parseRequest(value, userFolder(job.identityId));
}

/**
 * Marks a job failed, with the progress it had made, unless it already ended; a job that no longer
 * exists stays absent. Returns the failed status it wrote, or undefined when it left the job alone.
 */
export async function markFailed(
  s3: S3Client,
  bucket: string,
  job: JobRef,
  reason: string,
  progress?: Pick<JobStatus, 'filesDone' | 'bytesDone'>,
): Promise<JobStatus | undefined> {
  const status = await readStatus(s3, bucket, job);
  if (status === undefined || status.status === 'done' || status.status === 'failed') return undefined;
  const failed = failedStatus({ ...status, ...progress }, reason);
  await writeStatus(s3, bucket, job, failed);
  return failed;
}

export function failedStatus(status: JobStatus, reason: string, now = Date.now()): JobStatus {
  const { size: _size, ...rest } = status;
  return { ...rest, status: 'failed', error: reason, updatedAt: new Date(now).toISOString() };
}

async function getJson(s3: S3Client, bucket: string, key: ObjectKey): Promise<unknown> {
  let text: string;
  try {
    const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    text = (await object.Body?.transformToString('utf8')) ?? '';
  } catch (error) {
    if (await provesAbsent(s3, bucket, key, error)) return undefined;
    throw error;
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new MalformedRecordError('A zip job record is not JSON');
  }
}

const STATES: readonly string[] = ['pending', 'running', 'done', 'failed'];

function parseStatus(value: unknown): JobStatus {
  const v = value as Record<string, unknown>;
  if (
    typeof v !== 'object' ||
    v === null ||
    !STATES.includes(v.status as string) ||
    typeof v.name !== 'string' ||
    !isCount(v.fileCount) ||
    !isCount(v.totalBytes) ||
    !isCount(v.filesDone) ||
    !isCount(v.bytesDone) ||
    (v.size !== undefined && !isCount(v.size)) ||
    (v.error !== undefined && typeof v.error !== 'string') ||
    typeof v.updatedAt !== 'string' ||
    (v.slot !== undefined && !isCount(v.slot))
  ) {
    throw new MalformedRecordError('Malformed zip job status record');
  }
  return v as unknown as JobStatus;
}

function parseRequest(value: unknown, ownerFolder: ObjectKey): JobRequest {
  const v = value as Record<string, unknown>;
  if (
    typeof v !== 'object' ||
    v === null ||
    typeof v.name !== 'string' ||
    typeof v.createdAt !== 'string' ||
    !Array.isArray(v.entries) ||
    !v.entries.every((entry) => isEntry(entry, ownerFolder))
  ) {
    throw new MalformedRecordError('Malformed zip job request record');
  }
  return v as unknown as JobRequest;
}

/** An entry whose source lies strictly inside `ownerFolder`: the check that makes its key an ObjectKey. */
function isEntry(value: unknown, ownerFolder: ObjectKey): boolean {
  const e = value as Record<string, unknown>;
  return (
    typeof e === 'object' &&
    e !== null &&
    typeof e.s3Key === 'string' &&
    e.s3Key.startsWith(ownerFolder) &&
    e.s3Key.length > ownerFolder.length &&
    typeof e.name === 'string' &&
    e.name !== '' &&
    isCount(e.size) &&
    (e.lastModified === undefined || typeof e.lastModified === 'string')
  );
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}
