import { s3Key } from './lib/files/keys';
import { jsonBody } from './lib/http/body';
import { httpHandler } from './lib/http/handler';
import { uploadReservationId } from './lib/quotas/lifetimes';
import { usageStoreFromEnv } from './lib/quotas/quota-deps';
import { release, type UsageStore } from './lib/quotas/reservations';
import { abortMultipart } from './lib/uploads/abort';
import { uploadIdField } from './lib/uploads/fields';
import { type CallerDeps, callerDepsFromEnv } from './lib/wiring/deps';

/**
 * POST /uploads/abort { key, uploadId } — drops a multipart upload and its parts, and frees the bytes it
 * reserved; 204 even if unknown.
 */
export function abortUpload(deps: CallerDeps, usage: UsageStore = usageStoreFromEnv()) {
  return httpHandler('POST /uploads/abort', deps.http, async ({ event, identityId }) => {
    const body = jsonBody(event, ['key', 'uploadId']);
    const uploadId = uploadIdField(body.uploadId);
    await abortMultipart(deps.s3ForCaller(identityId), deps.bucket, s3Key(identityId, body.key), uploadId);
    // Only once S3 refuses the upload's parts: a reservation is never freed while bytes can still come.
    await release(usage, identityId, uploadReservationId(uploadId));
    return { status: 204 };
  });
}

export const handler = abortUpload(callerDepsFromEnv());
