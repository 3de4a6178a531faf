import { depsFromEnv, type HandlerDeps } from './lib/deps';
import { fileInfo, fileName } from './lib/file-info';
import { httpHandler } from './lib/http';
import { keyParam } from './lib/key-param';
import { s3Key } from './lib/keys';
import { presignDownload } from './lib/presign';

/** GET /file?key= — a file's metadata and a short-lived URL that downloads it as an attachment. */
export function getFile(deps: HandlerDeps) {
  return httpHandler('GET /file', deps.http, async ({ event, identityId }) => {
    const key = keyParam(event);
    const objectKey = s3Key(identityId, key, 'file');
    // Head first: a URL is only handed out for a file that exists.
    const info = await fileInfo(deps.s3, deps.bucket, objectKey);
    const download = await presignDownload(deps.s3, deps.bucket, objectKey, fileName(key));
    return { status: 200, body: { key, ...info, ...download } };
  });
}

export const handler = getFile(depsFromEnv());
