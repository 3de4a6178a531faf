import { fileInfo, fileName } from './lib/files/info';
import { s3Key } from './lib/files/keys';
import { presignDownload } from './lib/files/presign-get';
import { httpHandler } from './lib/http/handler';
import { keyParam } from './lib/http/query';
import { type CallerDeps, callerDepsFromEnv } from './lib/wiring/deps';

/** GET /file?key= — a file's metadata and a short-lived URL that downloads it as an attachment. */
export function getFile(deps: CallerDeps) {
  return httpHandler('GET /file', deps.http, async ({ event, identityId }) => {
    const key = keyParam(event);
    const objectKey = s3Key(identityId, key, 'file');
    // Head first: a URL is only handed out for a file that exists.
    const s3 = deps.s3ForCaller(identityId);
    const info = await fileInfo(s3, deps.bucket, objectKey);
    const download = await presignDownload(s3, deps.bucket, objectKey, fileName(key));
    return { status: 200, body: { key, ...info, ...download } };
  });
}

export const handler = getFile(callerDepsFromEnv());
