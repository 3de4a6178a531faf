import { s3Key } from './lib/files/keys';
import { jsonBody } from './lib/http/body';
import { httpHandler } from './lib/http/handler';
import { usageStoreFromEnv } from './lib/quotas/deps';
import { uploadReservationId } from './lib/quotas/lifetimes';
import { releaseIfOf, type UsageStore } from './lib/quotas/reservations';
import { abortMultipart } from './lib/uploads/abort';
import { uploadIdField } from './lib/uploads/fields';
import { type CallerDeps, callerDepsFromEnv } from './lib/wiring/deps';

/**
 * POST /uploads/abort { key, uploadId } — drops a multipart upload and its parts, and frees the bytes it
 * reserved; 204 even if unknown. The reservation goes only when S3 aborted the upload just now: then it
 * ended without an object. S3's NoSuchUpload (completed — its S3 event frees the reservation as it counts
 * the file —, aborted before, of another key, unknown) frees nothing; a reservation nobody frees lapses.
 */
export function abortUpload(deps: CallerDeps, usage: UsageStore = usageStoreFromEnv()) {
  return httpHandler('POST /uploads/abort', deps.http, async ({ event, identityId }) => {
    const body = jsonBody(event, ['key', 'uploadId']);
    const uploadId = uploadIdField(body.uploadId);
    const key = s3Key(identityId, body.key);
    // Only once S3 refuses the upload's parts: a reservation is never freed while bytes can still come.
    if (await abortMultipart(deps.s3ForCaller(identityId), deps.bucket, key, uploadId))
      await releaseIfOf(usage, identityId, uploadReservationId(uploadId), key);
    return { status: 204 };
  });
}

export const handler = abortUpload(callerDepsFromEnv());
