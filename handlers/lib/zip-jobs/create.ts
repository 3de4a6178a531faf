import { randomUUID } from 'node:crypto';
import type { S3Client } from '@aws-sdk/client-s3';
import { archiveEntryNames } from '../zip/names';
import type { JobRef } from './keys';
import type { ZipLimits } from './limits';
import { writeRequest, writeStatus } from './records';
import { resolveSources } from './sources';

export interface NewJob {
  /** The caller's keys, unchecked: each is checked when its S3 key is built. */
  readonly keys: readonly unknown[];
  /** The archive's download name, already checked (archive-name.ts). */
  readonly name: string;
}

/**
 * Records a zip job for the caller: checks every key, file and limit, names the entries, then writes the
 * job's status and request records. The request's creation starts the worker.
 */
export async function createJob(
  { s3, bucket }: { readonly s3: S3Client; readonly bucket: string },
  /** The caller's folder-scoped client (CallerDeps.s3ForCaller), which checks the files; `s3` writes the job. */
  files: S3Client,
  identityId: string,
  request: NewJob,
  limits: ZipLimits,
): Promise<JobRef> {
  const { name } = request;
  const sources = await resolveSources(files, bucket, identityId, request.keys, limits);
  const names = archiveEntryNames(sources.map((source) => source.relativeName));

  const job = { identityId, jobId: randomUUID() };
  const now = new Date().toISOString();
  const entries = sources.map((source, i) => ({
    s3Key: source.s3Key,
    name: names[i],
    size: source.size,
    lastModified: source.lastModified,
  }));
  // The status first: the request's creation starts the worker, which expects a status to find.
  await writeStatus(s3, bucket, job, {
    status: 'pending',
    name,
    fileCount: entries.length,
    totalBytes: entries.reduce((sum, entry) => sum + entry.size, 0),
    filesDone: 0,
    bytesDone: 0,
    updatedAt: now,
  });
  await writeRequest(s3, bucket, job, { name, entries, createdAt: now });
  return job;
}
