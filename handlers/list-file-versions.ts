import { s3Key } from './lib/files/keys';
import { httpHandler } from './lib/http/handler';
import { keyParam } from './lib/http/query';
import { fileVersions } from './lib/versions/history';
import { type CallerDeps, callerDepsFromEnv } from './lib/wiring/deps';

/** GET /file/versions?key= — a file's versions, newest first: what POST /files/restore can bring back. */
export function listFileVersions(deps: CallerDeps) {
  return httpHandler('GET /file/versions', deps.http, async ({ event, identityId }) => {
    const key = s3Key(identityId, keyParam(event), 'file');
    return {
      status: 200,
      body: { items: await fileVersions(deps.s3ForCaller(identityId), deps.bucket, key) },
    };
  });
}

export const handler = listFileVersions(callerDepsFromEnv());
