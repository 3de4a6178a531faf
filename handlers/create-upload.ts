import { UPLOAD_REQUESTS_PER_MINUTE } from '../contract/settings';
import { contentTypeField } from './lib/files/content-type';
import { s3Key } from './lib/files/keys';
import { PRESIGNED_URL_SECONDS } from './lib/files/presign-get';
import { intField, jsonBody } from './lib/http/body';
import { httpHandler } from './lib/http/handler';
import {
  EVENT_GRACE_MS,
  MULTIPART_RESERVATION_MS,
  requestReservationId,
  uploadReservationId,
} from './lib/quotas/lifetimes';
import { type QuotaDeps, quotaFromEnv } from './lib/quotas/quota-deps';
import { reserve } from './lib/quotas/reservations';
import { type RateLimiter, rateLimiterFromEnv } from './lib/rate-limit/limiter';
import { uploadClients } from './lib/uploads/clients';
import { crc32Field } from './lib/uploads/fields';
import { startUpload } from './lib/uploads/start';
import { type UploadLimits, uploadLimitsFromEnv } from './lib/uploads/upload-limits';
import { type UploadDeps, uploadDepsFromEnv } from './lib/wiring/deps';

/**
 * POST /uploads { key, size, contentType, crc32? } — presigned URL(s) to upload one file straight to S3.
 * The declared size is reserved within the caller's quota until S3's event counts the file, the upload is
 * aborted, or the reservation lapses after the URL (or the multipart upload) could last. The caller's
 * rate limit comes first (`rateLimit`; the deployed handler always has one).
 */
export function createUpload(
  deps: UploadDeps,
  limits: UploadLimits = uploadLimitsFromEnv(),
  quota: QuotaDeps = quotaFromEnv(),
  rateLimit?: RateLimiter,
) {
  return httpHandler('POST /uploads', deps.http, async ({ event, identityId }) => {
    await rateLimit?.(identityId);
    const body = jsonBody(event, ['key', 'size', 'contentType', 'crc32']);
    const request = {
      identityId,
      s3Key: s3Key(identityId, body.key),
      size: intField(body.size, 'size', 0, Number.MAX_SAFE_INTEGER),
      contentType: contentTypeField(body.contentType),
      crc32: body.crc32 === undefined ? undefined : crc32Field(body.crc32),
    };
    const upload = await startUpload(uploadClients(deps, identityId), limits, request, (uploadId) =>
      reserve(quota.store, identityId, quota.quotaBytes, {
        id: uploadId === undefined ? requestReservationId() : uploadReservationId(uploadId),
        s3Key: request.s3Key,
        size: request.size,
        expiresAt:
          Date.now() +
          (uploadId === undefined ? PRESIGNED_URL_SECONDS * 1000 + EVENT_GRACE_MS : MULTIPART_RESERVATION_MS),
      }),
    );
    return { status: 200, body: upload };
  });
}

export const handler = createUpload(
  uploadDepsFromEnv(),
  uploadLimitsFromEnv(),
  quotaFromEnv(),
  rateLimiterFromEnv('POST /uploads', UPLOAD_REQUESTS_PER_MINUTE),
);
