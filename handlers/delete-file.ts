import { deleteObject } from './lib/files/delete';
import { s3Key } from './lib/files/keys';
import { httpHandler } from './lib/http/handler';
import { queryParams, requiredParam } from './lib/http/query';
import { deleteNoncurrentVersion } from './lib/versions/delete-version';
import { checkVersionId } from './lib/versions/version-id';
import { type CallerDeps, callerDepsFromEnv } from './lib/wiring/deps';

/**
 * DELETE /file?key= — 204 whether or not the file existed, so a retry is harmless (the file's versions
 * stay, for undo). DELETE /file?key=&versionId= — deletes one noncurrent version for good, freeing its
 * bytes; 404 for a version the caller's file does not have, 409 for its current version.
 */
export function deleteFile(deps: CallerDeps) {
  return httpHandler('DELETE /file', deps.http, async ({ event, identityId }) => {
    const key = s3Key(identityId, requiredParam(event, ['key', 'versionId'], 'key'), 'file');
    const files = deps.s3ForCaller(identityId);
    if (queryParams(event, ['key', 'versionId']).versionId === undefined) {
      await deleteObject(files, deps.bucket, key);
    } else {
      const versionId = checkVersionId(requiredParam(event, ['key', 'versionId'], 'versionId'), 'versionId');
      await deleteNoncurrentVersion(files, deps.bucket, key, versionId);
    }
    return { status: 204 };
  });
}

export const handler = deleteFile(callerDepsFromEnv());
