import { httpHandler } from './lib/http/handler';
import { folderPageQuery } from './lib/http/query';
import { listDeleted } from './lib/versions/deleted';
import { type CallerDeps, callerDepsFromEnv } from './lib/wiring/deps';

/** GET /files/deleted?prefix=&cursor=&limit= — the caller's deleted files that can still be restored. */
export function listDeletedFiles(deps: CallerDeps) {
  return httpHandler('GET /files/deleted', deps.http, async ({ event, identityId }) => {
    const page = await listDeleted(
      deps.s3ForCaller(identityId),
      deps.bucket,
      identityId,
      folderPageQuery(event),
    );
    return { status: 200, body: page };
  });
}

export const handler = listDeletedFiles(callerDepsFromEnv());
