import { httpHandler } from './lib/http/handler';
import { intParam, queryParams } from './lib/http/query';
import { type CallerDeps, callerDepsFromEnv } from './lib/wiring/deps';
import { zipQueueTimeoutFromEnv } from './lib/zip/jobs/job-limits';
import { listJobs } from './lib/zip/jobs/list-jobs';

/** GET /zips?cursor=&limit= — the caller's zip jobs of the last day, newest first. */
export function listZips(deps: CallerDeps, queueTimeoutSeconds: number = zipQueueTimeoutFromEnv()) {
  return httpHandler('GET /zips', deps.http, async ({ event, identityId }) => {
    const query = queryParams(event, ['cursor', 'limit']);
    const page = await listJobs(deps.s3ForCaller(identityId), deps.bucket, identityId, {
      cursor: query.cursor,
      limit: intParam(query.limit, 'limit', 20, 1, 100),
      queueTimeoutSeconds,
    });
    return { status: 200, body: page };
  });
}

export const handler = listZips(callerDepsFromEnv());
