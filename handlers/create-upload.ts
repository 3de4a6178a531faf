import { intField, jsonBody } from './lib/body';
import { contentTypeField } from './lib/content-type';
import { httpHandler } from './lib/http';
import { s3Key } from './lib/keys';
import { type UploadDeps, uploadDepsFromEnv } from './lib/upload-deps';
import { startUpload } from './lib/upload-start';

/** POST /uploads { key, size, contentType } — presigned URL(s) to upload one file straight to S3. */
export function createUpload(deps: UploadDeps) {
  return httpHandler('POST /uploads', deps.http, async ({ event, identityId }) => {
    const body = jsonBody(event, ['key', 'size', 'contentType']);
    const upload = await startUpload(deps, {
      s3Key: s3Key(identityId, body.key),
      size: intField(body.size, 'size', 0, Number.MAX_SAFE_INTEGER),
      contentType: contentTypeField(body.contentType),
    });
    return { status: 200, body: upload };
  });
}

export const handler = createUpload(uploadDepsFromEnv());
