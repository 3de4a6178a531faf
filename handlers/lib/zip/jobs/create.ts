import { randomUUID } from 'node:crypto';
import type { S3Client } from '@aws-sdk/client-s3';
import type { IdentityId } from '../../files/keys';
import { TooManyRequestsError } from '../../http/errors';
import { archiveEntryNames } from '../names';
import type { JobRef } from './job-keys';
import type { ZipLimits } from './job-limits';
import { createRequest, writeStatusIf } from './job-records';
import { releaseSlot, takeSlot, type ZipCaps } from './job-slots';
import { indexJob } from './list-jobs';
import { resolveSources } from './sources';

export interface NewJob {
  /** The caller's keys, unchecked: each is checked when its S3 key is built. */
  readonly keys: readonly unknown[];
  /** The archive's download name, already checked (archive-name.ts). */
  readonly name: string;
  /** The job's id: an Idempotency-Key's (idempotency.ts), else a new one. */
  readonly jobId?: string;
}

/**
 * Records a zip job for the caller: checks every key, file and limit, names the entries, takes one of
 * the caller's slots (429 when all hold unfinished jobs), then writes the job's index entry, status and
 * request records. The request's creation starts the worker. Status and request are created with
 * If-None-Match, so a job id is made once even when two attempts with one Idempotency-Key overlap.
 */
export async function createJob(
  { s3, bucket }: { readonly s3: S3Client; readonly bucket: string },
  /** The caller's folder-scoped client (CallerDeps.s3ForCaller), which checks the files; `s3` writes the job. */
  files: S3Client,
  identityId: IdentityId,
  request: NewJob,
  limits: ZipLimits,
  caps: ZipCaps,
): Promise<JobRef> {
  const { name } = request;
  const sources = await resolveSources(files, bucket, identityId, request.keys, limits);
  const names = archiveEntryNames(sources.map((source) => source.relativeName));

  const job = { identityId, jobId: request.jobId ?? randomUUID() };
  const now = Date.now();
  const slot = await takeSlot(s3, bucket, job, caps, now);
  if (slot === undefined) {
    throw new TooManyRequestsError(
      `You have ${caps.maxActiveJobs} zip jobs pending or running: retry when one of them has finished.`,
    );
  }
  const createdAt = new Date(now).toISOString();
  const entries = sources.map((source, i) => ({
    s3Key: source.s3Key,
    name: names[i],
    size: source.size,
    lastModified: source.lastModified,
  }));
  try {
    await indexJob(s3, bucket, job, now);
  } catch (error) {
    // Nothing names the job yet: give the slot back at once rather than after ABANDONED_SLOT_MS. Never
    // after the status write below, whose answer may be lost when the write itself succeeded.
    await releaseSlot(s3, bucket, job, slot).catch(() => {});
    throw error;
  }
  // The status first: the request's creation starts the worker, which expects a status to find.
  const created = await writeStatusIf(
    s3,
    bucket,
    job,
    {
      status: 'pending',
      name,
      fileCount: entries.length,
      totalBytes: entries.reduce((sum, entry) => sum + entry.size, 0),
      filesDone: 0,
      bytesDone: 0,
      updatedAt: createdAt,
      slot,
    },
    { ifNoneMatch: '*' },
  );
  // Not created: an earlier attempt with the same Idempotency-Key recorded this job and holds a slot for
  // it; this one gives its own back, and writes the request in case that attempt died before it did.
  if (!created) await releaseSlot(s3, bucket, job, slot);
  await createRequest(s3, bucket, job, { name, entries, createdAt });
  return job;
}
