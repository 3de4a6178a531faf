import type { S3Client } from '@aws-sdk/client-s3';
import { getTaggedJson, putJsonIf, type WriteCondition } from '../../s3/conditional';
import { isJobId, type JobRef, zipSlotKey } from './job-keys';
import { failedStatus, isStale, JOB_STOPPED, readTaggedStatus, writeStatusIf } from './job-records';

/**
 * The per-user cap on unfinished zip jobs: `cap` slot objects `zip/<identityId>/slots/<n>.json`, each
 * naming the job that holds it (or none). A job is created only after its creator took a slot with a
 * conditional write, and a slot stops naming a job only once that job has ended, so no more than `cap`
 * of a user's jobs are ever pending or running at once, however many requests race (docs/zips.md,
 * "Per-user cap"). No table: S3's conditional writes are the only lock.
 */

export interface ZipCaps {
  /** Slots per user: the most jobs one user may have pending or running. */
  readonly maxActiveJobs: number;
  /** The worker's maximum event age: how long a pending job may wait (records.ts, isStale). */
  readonly queueTimeoutSeconds: number;
}

interface SlotRecord {
  /** The job holding the slot; null once it released it. */
  readonly jobId: string | null;
  readonly takenAt: string;
}

/**
 * A slot naming a job without a status record is the trace of a POST /zips that took it and then failed
 * or died before recording the job. That request ran for at most create-zip's timeout (10 s), so past
 * this no status can still appear.
 */
const ABANDONED_SLOT_MS = 2 * 60 * 1000;

/**
 * Takes a free slot for `job`: a slot never used, one released, or one whose job has ended (done, failed,
 * stale, or never recorded). Returns its number, or undefined when every slot holds an unfinished job.
 * A slot another request took first (its conditional write failed) is skipped, never overwritten.
 */
export async function takeSlot(
  s3: S3Client,
  bucket: string,
  job: JobRef,
  caps: ZipCaps,
  now = Date.now(),
): Promise<number | undefined> {
  const { identityId } = job;
  const taken: SlotRecord = { jobId: job.jobId, takenAt: new Date(now).toISOString() };
  const take = (slot: number, condition: WriteCondition) =>
    putJsonIf(s3, bucket, zipSlotKey(identityId, slot), taken, condition);

  const slots = await Promise.all(
    Array.from({ length: caps.maxActiveJobs }, async (_, slot) => ({
      slot,
      stored: await getTaggedJson(s3, bucket, zipSlotKey(identityId, slot)),
    })),
  );
  // Free slots first: they cost one write.
  for (const { slot, stored } of slots) {
    if (stored === undefined && (await take(slot, { ifNoneMatch: '*' }))) return slot;
    if (stored !== undefined && holder(stored.value) === null && (await take(slot, { ifMatch: stored.etag })))
      return slot;
  }
  // Then slots whose job has ended, each checked against its job's status.
  for (const { slot, stored } of slots) {
    if (stored === undefined) continue;
    const jobId = holder(stored.value);
    if (jobId === null) continue;
    const ended = await hasEnded(s3, bucket, { identityId, jobId }, stored.value as SlotRecord, caps, now);
    if (ended && (await take(slot, { ifMatch: stored.etag }))) return slot;
  }
  return undefined;
}

/**
 * Frees the job's slot once the job has ended (done or failed): only while the slot still names this job,
 * so a slot that a new job has meanwhile taken is left to it.
 */
export async function releaseSlot(s3: S3Client, bucket: string, job: JobRef, slot: number): Promise<void> {
  const key = zipSlotKey(job.identityId, slot);
  const stored = await getTaggedJson(s3, bucket, key);
  if (stored === undefined || holder(stored.value) !== job.jobId) return;
  const free: SlotRecord = { jobId: null, takenAt: new Date().toISOString() };
  await putJsonIf(s3, bucket, key, free, { ifMatch: stored.etag });
}

/** The job a slot record names; null for a released slot or a record we cannot read (which frees it). */
function holder(value: unknown): string | null {
  const jobId = (value as Partial<SlotRecord> | null)?.jobId;
  return isJobId(jobId) ? jobId : null;
}

/**
 * Whether the slot's job has ended for good. A stale job is first marked failed, conditionally on the
 * status just read: if its worker moved it meanwhile, that write fails and the job keeps its slot. Done
 * and failed are final: nothing rewrites them as pending or running (run-job.ts starts a job with a
 * conditional write too).
 */
async function hasEnded(
  s3: S3Client,
  bucket: string,
  job: JobRef,
  slot: SlotRecord,
  caps: ZipCaps,
  now: number,
): Promise<boolean> {
  const read = await readTaggedStatus(s3, bucket, job);
  if (read === undefined) {
    const takenAt = Date.parse(slot.takenAt);
    return !Number.isFinite(takenAt) || now - takenAt > ABANDONED_SLOT_MS;
  }
  const { status, etag } = read;
  if (status.status === 'done' || status.status === 'failed') return true;
  if (!isStale(status, caps.queueTimeoutSeconds, now)) return false;
  return writeStatusIf(s3, bucket, job, failedStatus(status, JOB_STOPPED, now), { ifMatch: etag });
}
