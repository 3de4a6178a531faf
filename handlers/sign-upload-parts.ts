import { s3Key } from './lib/files/keys';
import { jsonBody } from './lib/http/body';
import { httpHandler } from './lib/http/handler';
import { uploadClients } from './lib/uploads/clients';
import { partNumbersField, uploadIdField } from './lib/uploads/fields';
import { resignParts } from './lib/uploads/resign';
import { type UploadDeps, uploadDepsFromEnv } from './lib/wiring/deps';

/** POST /uploads/parts { key, uploadId, partNumbers } — fresh URLs for parts of an open multipart upload. */
export function signUploadParts(deps: UploadDeps) {
  return httpHandler('POST /uploads/parts', deps.http, async ({ event, identityId }) => {
    const body = jsonBody(event, ['key', 'uploadId', 'partNumbers']);
    const signed = await resignParts(uploadClients(deps, identityId), {
      identityId,
      s3Key: s3Key(identityId, body.key),
      uploadId: uploadIdField(body.uploadId),
      partNumbers: partNumbersField(body.partNumbers),
    });
    return { status: 200, body: signed };
  });
}

export const handler = signUploadParts(uploadDepsFromEnv());
