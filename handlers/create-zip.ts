import { randomUUID } from 'node:crypto';
import { arrayField, jsonBody } from './lib/body';
import { depsFromEnv, type HandlerDeps } from './lib/deps';
import { httpHandler, queryParams } from './lib/http';
import { writeRequest, writeStatus } from './lib/zip-job-records';
import { MAX_ZIP_KEYS, type ZipLimits, zipLimitsFromEnv } from './lib/zip-limits';
import { archiveFileName } from './lib/zip-name';
import { archiveEntryNames } from './lib/zip-names';
import { resolveSources } from './lib/zip-sources';

/**
 * POST /zips { keys, name? } — checks every key, file and limit, records the job and answers 202 at
 * once; the worker, started by the request record's creation, does the zipping.
 */
export function createZip(deps: HandlerDeps, limits: ZipLimits = zipLimitsFromEnv()) {
  return httpHandler('POST /zips', deps.http, async ({ event, identityId }) => {
    queryParams(event, []);
    const body = jsonBody(event, ['keys', 'name']);
    const keys = arrayField(body.keys, 'keys', 1, MAX_ZIP_KEYS);
    const name = archiveFileName(body.name);
    const sources = await resolveSources(deps.s3, deps.bucket, identityId, keys, limits);
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
    await writeStatus(deps.s3, deps.bucket, job, {
      status: 'pending',
      name,
      fileCount: entries.length,
      totalBytes: entries.reduce((sum, entry) => sum + entry.size, 0),
      filesDone: 0,
      bytesDone: 0,
      updatedAt: now,
    });
    await writeRequest(deps.s3, deps.bucket, job, { name, entries, createdAt: now });
    return { status: 202, body: { id: job.jobId, status: 'pending' } };
  });
}

export const handler = createZip(depsFromEnv());
