import { s3Key, userKeyOf } from './lib/files/keys';
import { jsonBody } from './lib/http/body';
import { httpHandler } from './lib/http/handler';
import { completeMultipart } from './lib/uploads/complete';
import { completedPartsField, uploadIdField } from './lib/uploads/fields';
import { type CallerDeps, callerDepsFromEnv } from './lib/wiring/deps';

/** POST /uploads/complete { key, uploadId, parts } — assembles a multipart upload into the file. */
export function completeUpload(deps: CallerDeps) {
  return httpHandler('POST /uploads/complete', deps.http, async ({ event, identityId }) => {
    const body = jsonBody(event, ['key', 'uploadId', 'parts']);
    const key = s3Key(identityId, body.key);
    const completed = await completeMultipart(
      deps.s3ForCaller(identityId),
      deps.bucket,
      key,
      uploadIdField(body.uploadId),
      completedPartsField(body.parts),
    );
    return { status: 200, body: { key: userKeyOf(identityId, key), ...completed } };
  });
}

export const handler = completeUpload(callerDepsFromEnv());
