import { type IdentityId, isIdentityId, keyIn, type ObjectKey, zipFolder } from '../../files/keys';

/**
 * The S3 keys of a zip job, all under the owner's zip folder "zip/<identityId>/<jobId>/". The job id is
 * part of the key, so a job exists only for the identity that created it: another caller's lookup builds
 * another key and finds nothing.
 */

/** A job id as crypto.randomUUID() makes it: lower-case, canonical form. */
const JOB_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

const REQUEST_FILE = 'request.json';
const STATUS_FILE = 'status.json';
const ARCHIVE_FILE = 'archive.zip';

export interface JobRef {
  readonly identityId: IdentityId;
  readonly jobId: string;
}

export function isJobId(value: unknown): value is string {
  return typeof value === 'string' && JOB_ID.test(value);
}

function jobFolder(job: JobRef): ObjectKey {
  if (!isIdentityId(job.identityId) || !isJobId(job.jobId)) throw new Error('Invalid zip job reference');
  return keyIn(zipFolder(job.identityId), `${job.jobId}/`);
}

/** The job as POST /zips recorded it, written once; its creation starts the worker. */
export function zipRequestKey(job: JobRef): ObjectKey {
  return keyIn(jobFolder(job), REQUEST_FILE);
}

/** The job's state and progress, rewritten by the worker. */
export function zipStatusKey(job: JobRef): ObjectKey {
  return keyIn(jobFolder(job), STATUS_FILE);
}

/** The archive: one fixed key per job, so a retried worker overwrites rather than adds. */
export function zipArchiveKey(job: JobRef): ObjectKey {
  return keyIn(jobFolder(job), ARCHIVE_FILE);
}

/** The job a request key belongs to, or undefined for any key that zipRequestKey cannot have built. */
export function jobOfRequestKey(key: string): JobRef | undefined {
  const parts = key.split('/');
  if (parts.length !== 4) return undefined;
  const [, identityId, jobId] = parts;
  if (!isIdentityId(identityId) || !isJobId(jobId)) return undefined;
  const job = { identityId, jobId };
  return zipRequestKey(job) === key ? job : undefined;
}

/**
 * The caller's job slots, `zip/<identityId>/slots/<n>.json`, n < the cap: a job holds one while pending or
 * running (slots.ts). Not a job folder: "slots" is no job id.
 */
export function zipSlotKey(identityId: IdentityId, slot: number): ObjectKey {
  if (!isIdentityId(identityId) || !Number.isSafeInteger(slot) || slot < 0) throw new Error('Invalid slot');
  return keyIn(zipFolder(identityId), `slots/${slot}.json`);
}

/** The record of one Idempotency-Key of the caller, named by the key's SHA-256 (hex), never the key. */
export function zipIdempotencyKey(identityId: IdentityId, keyHash: string): ObjectKey {
  if (!isIdentityId(identityId) || !/^[0-9a-f]{64}$/.test(keyHash)) throw new Error('Invalid key hash');
  return keyIn(zipFolder(identityId), `idempotency/${keyHash}.json`);
}

/** Where GET /zips lists the caller's jobs, newest first: one empty object per job (index.ts). */
export function zipIndexFolder(identityId: IdentityId): ObjectKey {
  if (!isIdentityId(identityId)) throw new Error('Invalid identity id');
  return keyIn(zipFolder(identityId), 'index/');
}
