import { contentTypeField } from './lib/files/content-type';
import { s3Key } from './lib/files/keys';
import { intField, jsonBody } from './lib/http/body';
import { httpHandler } from './lib/http/handler';
import { type UploadLimits, uploadLimitsFromEnv } from './lib/uploads/limits';
import { startUpload } from './lib/uploads/start';
import { type UploadDeps, uploadDepsFromEnv } from './lib/wiring/deps';

/** POST /uploads { key, size, contentType } — presigned URL(s) to upload one file straight to S3. */
export function createUpload(deps: UploadDeps, limits: UploadLimits = uploadLimitsFromEnv()) {
  return httpHandler('POST /uploads', deps.http, async ({ event, identityId }) => {
    const body = jsonBody(event, ['key', 'size', 'contentType']);
    const upload = await startUpload(deps, limits, {
      identityId,
      s3Key: s3Key(identityId, body.key),
      size: intField(body.size, 'size', 0, Number.MAX_SAFE_INTEGER),
      contentType: contentTypeField(body.contentType),
    });
    return { status: 200, body: upload };
  });
}

export const handler = createUpload(uploadDepsFromEnv());
