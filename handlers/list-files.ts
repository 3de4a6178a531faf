import { listFolder } from './lib/files/list';
import { httpHandler } from './lib/http/handler';
import { folderPageQuery } from './lib/http/query';
import { type CallerDeps, callerDepsFromEnv } from './lib/wiring/deps';

/** GET /files?prefix=&cursor=&limit= — one level of the caller's folder. */
export function listFiles(deps: CallerDeps) {
  return httpHandler('GET /files', deps.http, async ({ event, identityId }) => {
    const page = await listFolder(
      deps.s3ForCaller(identityId),
      deps.bucket,
      identityId,
      folderPageQuery(event),
    );
    return { status: 200, body: page };
  });
}

export const handler = listFiles(callerDepsFromEnv());
