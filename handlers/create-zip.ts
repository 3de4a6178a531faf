import { arrayField, jsonBody } from './lib/http/body';
import { httpHandler } from './lib/http/handler';
import { queryParams } from './lib/http/query';
import { type CallerDeps, callerDepsFromEnv } from './lib/wiring/deps';
import { archiveFileName } from './lib/zip-jobs/archive-name';
import { createJob } from './lib/zip-jobs/create';
import { MAX_ZIP_KEYS, type ZipLimits, zipLimitsFromEnv } from './lib/zip-jobs/limits';

/**
 * POST /zips { keys, name? } — checks every key, file and limit, records the job and answers 202 at
 * once; the worker, started by the request record's creation, does the zipping.
 */
export function createZip(deps: CallerDeps, limits: ZipLimits = zipLimitsFromEnv()) {
  return httpHandler('POST /zips', deps.http, async ({ event, identityId }) => {
    queryParams(event, []);
    const body = jsonBody(event, ['keys', 'name']);
    const keys = arrayField(body.keys, 'keys', 1, MAX_ZIP_KEYS);
    const name = archiveFileName(body.name);
    const job = await createJob(deps, deps.s3ForCaller(identityId), identityId, { keys, name }, limits);
    return { status: 202, body: { id: job.jobId, status: 'pending' } };
  });
}

export const handler = createZip(callerDepsFromEnv());
