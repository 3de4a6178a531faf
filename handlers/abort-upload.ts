import { s3Key } from './lib/files/keys';
import { jsonBody } from './lib/http/body';
import { httpHandler } from './lib/http/handler';
import { abortMultipart } from './lib/uploads/abort';
import { uploadIdField } from './lib/uploads/fields';
import { type CallerDeps, callerDepsFromEnv } from './lib/wiring/deps';

/** POST /uploads/abort { key, uploadId } — drops a multipart upload and its parts; 204 even if unknown. */
export function abortUpload(deps: CallerDeps) {
  return httpHandler('POST /uploads/abort', deps.http, async ({ event, identityId }) => {
    const body = jsonBody(event, ['key', 'uploadId']);
    await abortMultipart(
      deps.s3ForCaller(identityId),
      deps.bucket,
      s3Key(identityId, body.key),
      uploadIdField(body.uploadId),
    );
    return { status: 204 };
  });
}

export const handler = abortUpload(callerDepsFromEnv());
