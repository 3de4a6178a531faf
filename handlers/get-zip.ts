import { presignDownload } from './lib/files/presign-get';
import { NotFoundError } from './lib/http/errors';
import { httpHandler } from './lib/http/handler';
import { queryParams } from './lib/http/query';
import { objectExists } from './lib/s3/head';
import { type CallerDeps, callerDepsFromEnv } from './lib/wiring/deps';
import { isJobId, type JobRef, zipArchiveKey } from './lib/zip/jobs/job-keys';
import { zipQueueTimeoutFromEnv } from './lib/zip/jobs/job-limits';
import { failedStatus, isStale, JOB_STOPPED, readStatus } from './lib/zip/jobs/job-records';

/**
 * GET /zips/{id} — the job's state and progress, and once done a short-lived download URL. The job is
 * looked up under the caller's own zip folder, so another user's id, a malformed id and an unknown id
 * are the same 404.
 */
export function getZip(
  deps: CallerDeps,
  now: () => number = Date.now,
  queueTimeoutSeconds: number = zipQueueTimeoutFromEnv(),
) {
  return httpHandler('GET /zips/{id}', deps.http, async ({ event, identityId }) => {
    queryParams(event, []);
    const jobId = event.pathParameters?.id;
    if (!isJobId(jobId)) throw notFound();
    const job: JobRef = { identityId, jobId };
    // The caller's session: it reaches only their own zip area, whatever the job id names.
    const s3 = deps.s3ForCaller(identityId);
    const stored = await readStatus(s3, deps.bucket, job);
    if (stored === undefined) throw notFound();
    // A job that stopped moving lost its worker, even if no failure handler could record it.
    const status = isStale(stored, queueTimeoutSeconds, now())
      ? failedStatus(stored, JOB_STOPPED, now())
      : stored;

    const body = {
      id: jobId,
      status: status.status,
      fileCount: status.fileCount,
      filesDone: status.filesDone,
      bytesDone: status.bytesDone,
      ...(status.size === undefined ? {} : { size: status.size }),
      ...(status.error === undefined ? {} : { error: status.error }),
    };
    if (status.status !== 'done') return { status: 200, body };
    // The lifecycle rule may expire the archive a moment before its status record.
    if (!(await objectExists(s3, deps.bucket, zipArchiveKey(job)))) throw notFound();
    const download = await presignDownload(s3, deps.bucket, zipArchiveKey(job), status.name);
    return { status: 200, body: { ...body, url: download.url, expiresAt: download.expiresAt } };
  });
}

function notFound(): NotFoundError {
  return new NotFoundError('Zip job not found.');
}

export const handler = getZip(callerDepsFromEnv());
