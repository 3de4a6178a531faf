import { jsonBody } from './lib/body';
import { completedPartsField } from './lib/completed-parts';
import { depsFromEnv, type HandlerDeps } from './lib/deps';
import { httpHandler } from './lib/http';
import { s3Key, userKeyOf } from './lib/keys';
import { completeMultipart } from './lib/upload-complete';
import { uploadIdField } from './lib/upload-id';

/** POST /uploads/complete { key, uploadId, parts } — assembles a multipart upload into the file. */
export function completeUpload(deps: HandlerDeps) {
  return httpHandler('POST /uploads/complete', deps.http, async ({ event, identityId }) => {
    const body = jsonBody(event, ['key', 'uploadId', 'parts']);
    const key = s3Key(identityId, body.key);
    const completed = await completeMultipart(
      deps.s3,
      deps.bucket,
      key,
      uploadIdField(body.uploadId),
      completedPartsField(body.parts),
    );
    return { status: 200, body: { key: userKeyOf(identityId, key), ...completed } };
  });
}

export const handler = completeUpload(depsFromEnv());
