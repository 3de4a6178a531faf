import { httpHandler } from './lib/http/handler';
import { intParam, queryParams } from './lib/http/query';
import { listDeleted } from './lib/versions/deleted';
import { type CallerDeps, callerDepsFromEnv } from './lib/wiring/deps';

/** GET /files/deleted?prefix=&cursor=&limit= — the caller's deleted files that can still be restored. */
export function listDeletedFiles(deps: CallerDeps) {
  return httpHandler('GET /files/deleted', deps.http, async ({ event, identityId }) => {
    const query = queryParams(event, ['prefix', 'cursor', 'limit']);
    const page = await listDeleted(deps.s3ForCaller(identityId), deps.bucket, identityId, {
      prefix: query.prefix ?? '',
      cursor: query.cursor,
      limit: intParam(query.limit, 'limit', 100, 1, 1000),
    });
    return { status: 200, body: page };
  });
}

export const handler = listDeletedFiles(callerDepsFromEnv());
