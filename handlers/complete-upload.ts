import { s3Key, userKeyOf } from './lib/files/keys';
import { jsonBody } from './lib/http/body';
import { httpHandler } from './lib/http/handler';
import { EVENT_GRACE_MS, uploadReservationId } from './lib/quotas/lifetimes';
import { type QuotaDeps, quotaFromEnv } from './lib/quotas/quota-deps';
import { isReserved, reserve } from './lib/quotas/reservations';
import { completeMultipart } from './lib/uploads/complete';
import { completedPartsField, uploadIdField } from './lib/uploads/fields';
import { readPlan } from './lib/uploads/plans';
import { type CallerDeps, callerDepsFromEnv } from './lib/wiring/deps';

/**
 * POST /uploads/complete { key, uploadId, parts } — assembles a multipart upload into the file. The
 * upload's reservation (POST /uploads) must still hold its bytes; one that lapsed is taken again within
 * the quota first, so completing never adds bytes the quota has no room for.
 */
export function completeUpload(deps: CallerDeps, quota: QuotaDeps = quotaFromEnv()) {
  return httpHandler('POST /uploads/complete', deps.http, async ({ event, identityId }) => {
    const body = jsonBody(event, ['key', 'uploadId', 'parts']);
    const key = s3Key(identityId, body.key);
    const uploadId = uploadIdField(body.uploadId);
    const parts = completedPartsField(body.parts);
    const id = uploadReservationId(uploadId);
    if (!(await isReserved(quota.store, identityId, id))) {
      // No plan: not the caller's upload of this key, which S3's NoSuchUpload below answers (404).
      const plan = await readPlan(deps.s3ForCaller(identityId), deps.bucket, identityId, key, uploadId);
      if (plan !== undefined) {
        await reserve(quota.store, identityId, quota.quotaBytes, {
          id,
          s3Key: key,
          size: plan.size,
          expiresAt: Date.now() + EVENT_GRACE_MS,
        });
      }
    }
    const completed = await completeMultipart(
      deps.s3ForCaller(identityId),
      deps.bucket,
      key,
      uploadId,
      parts,
    );
    return { status: 200, body: { key: userKeyOf(identityId, key), ...completed } };
  });
}

export const handler = completeUpload(callerDepsFromEnv());
