import { s3Key } from './lib/files/keys';
import { httpHandler } from './lib/http/handler';
import { requiredParam } from './lib/http/query';
import { uploadIdField } from './lib/uploads/fields';
import { uploadStatus } from './lib/uploads/status';
import { type CallerDeps, callerDepsFromEnv } from './lib/wiring/deps';

const PARAMS = ['key', 'uploadId'] as const;

/** GET /uploads?key=&uploadId= — an open multipart upload's size, part size and the parts S3 holds. */
export function listUploadParts(deps: CallerDeps) {
  return httpHandler('GET /uploads', deps.http, async ({ event, identityId }) => {
    const key = requiredParam(event, PARAMS, 'key');
    const uploadId = uploadIdField(requiredParam(event, PARAMS, 'uploadId'));
    const status = await uploadStatus(
      deps,
      deps.s3ForCaller(identityId),
      identityId,
      s3Key(identityId, key),
      uploadId,
    );
    return { status: 200, body: { key, uploadId, ...status } };
  });
}

export const handler = listUploadParts(callerDepsFromEnv());
