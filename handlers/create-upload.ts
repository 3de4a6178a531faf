import { contentTypeField } from './lib/files/content-type';
import { s3Key } from './lib/files/keys';
import { intField, jsonBody } from './lib/http/body';
import { httpHandler } from './lib/http/handler';
import { uploadClients } from './lib/uploads/clients';
import { crc32Field } from './lib/uploads/fields';
import { type UploadLimits, uploadLimitsFromEnv } from './lib/uploads/limits';
import { startUpload } from './lib/uploads/start';
import { type UploadDeps, uploadDepsFromEnv } from './lib/wiring/deps';

/** POST /uploads { key, size, contentType, crc32? } — presigned URL(s) to upload one file straight to S3. */
export function createUpload(deps: UploadDeps, limits: UploadLimits = uploadLimitsFromEnv()) {
  return httpHandler('POST /uploads', deps.http, async ({ event, identityId }) => {
    const body = jsonBody(event, ['key', 'size', 'contentType', 'crc32']);
    const upload = await startUpload(uploadClients(deps, identityId), limits, {
      identityId,
      s3Key: s3Key(identityId, body.key),
      size: intField(body.size, 'size', 0, Number.MAX_SAFE_INTEGER),
      contentType: contentTypeField(body.contentType),
      crc32: body.crc32 === undefined ? undefined : crc32Field(body.crc32),
    });
    return { status: 200, body: upload };
  });
}

export const handler = createUpload(uploadDepsFromEnv());
