import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { listPage } from '../../files/cursor';
import { type IdentityId, keyIn, keyUnder } from '../../files/keys';
import { mapConcurrently } from '../../s3/pool';
import { isJobId, type JobRef, zipIndexFolder } from './job-keys';
import { failedStatus, isStale, JOB_STOPPED, type JobState, readStatus } from './job-records';

/**
 * The caller's jobs for GET /zips, newest first. S3 lists keys in ascending order only, so each job gets
 * an empty index object `zip/<identityId>/index/<13-digit (MAX − createdAt ms)>-<jobId>` when it is made:
 * the newest job has the smallest key. Records expire with `zip/` (a day), so do the index entries.
 */

const LATEST_MS = 9_999_999_999_999;
// Bytes, not '': the SDK reads an empty string as a body of unknown length, and warns.
const EMPTY = new Uint8Array(0);
const INDEX_NAME = /^(\d{13})-(.+)$/;

/** Records a new job in the caller's index; written before the job's records, so no job goes unlisted. */
export async function indexJob(s3: S3Client, bucket: string, job: JobRef, createdMs: number): Promise<void> {
  if (!isJobId(job.jobId)) throw new Error('Invalid zip job reference');
  const key = keyIn(
    zipIndexFolder(job.identityId),
    `${String(LATEST_MS - createdMs).padStart(13, '0')}-${job.jobId}`,
  );
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: EMPTY }));
}

export interface JobSummary {
  readonly id: string;
  readonly status: JobState;
  readonly name: string;
  readonly createdAt: string;
}

export interface JobPage {
  readonly jobs: JobSummary[];
  readonly nextCursor: string | null;
}

/** Status reads in flight at once for one page. */
const CONCURRENCY = 16;

/**
 * One page of the caller's jobs. An index entry whose job has no status (being made, never made, or
 * expired) is left out, so a page may hold fewer than `limit` jobs and still have a next one.
 */
export async function listJobs(
  s3: S3Client,
  bucket: string,
  identityId: IdentityId,
  options: { cursor?: string; limit: number; queueTimeoutSeconds: number; now?: number },
): Promise<JobPage> {
  const prefix = zipIndexFolder(identityId);
  const page = await listPage(s3, { Bucket: bucket, Prefix: prefix, MaxKeys: options.limit }, options.cursor);
  const entries = (page.Contents ?? []).flatMap(({ Key }) => {
    const match = INDEX_NAME.exec(keyUnder(prefix, Key)?.slice(prefix.length) ?? '');
    if (match === null || !isJobId(match[2])) return [];
    return [{ jobId: match[2], createdMs: LATEST_MS - Number(match[1]) }];
  });
  const now = options.now ?? Date.now();
  const jobs = await mapConcurrently(entries, CONCURRENCY, async ({ jobId, createdMs }) => {
    const stored = await readStatus(s3, bucket, { identityId, jobId });
    if (stored === undefined) return [];
    // Reported as GET /zips/{id} reports it: a job that stopped moving has failed.
    const status = isStale(stored, options.queueTimeoutSeconds, now)
      ? failedStatus(stored, JOB_STOPPED, now)
      : stored;
    return [
      { id: jobId, status: status.status, name: status.name, createdAt: new Date(createdMs).toISOString() },
    ];
  });
  return { jobs: jobs.flat(), nextCursor: page.nextCursor };
}
