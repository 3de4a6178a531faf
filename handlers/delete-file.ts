import { deleteObject } from './lib/files/delete';
import { s3Key } from './lib/files/keys';
import { httpHandler } from './lib/http/handler';
import { keyParam } from './lib/http/query';
import { type CallerDeps, callerDepsFromEnv } from './lib/wiring/deps';

/** DELETE /file?key= — 204 whether or not the file existed, so a retry is harmless. */
export function deleteFile(deps: CallerDeps) {
  return httpHandler('DELETE /file', deps.http, async ({ event, identityId }) => {
    await deleteObject(deps.s3ForCaller(identityId), deps.bucket, s3Key(identityId, keyParam(event), 'file'));
    return { status: 204 };
  });
}

export const handler = deleteFile(callerDepsFromEnv());
