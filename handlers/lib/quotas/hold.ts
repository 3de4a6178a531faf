import type { IdentityId, ObjectKey } from '../files/keys';
import { EVENT_GRACE_MS, requestReservationId } from './lifetimes';
import type { QuotaDeps } from './quota-deps';
import { release, reserve } from './reservations';

/** Gives back a hold whose write failed; never throws (a lapsed reservation frees itself anyway). */
export type ReleaseHold = () => Promise<void>;

/**
 * Holds `size` bytes of the caller's quota for one write of `s3Key` through the API (PUT /file, a
 * restore): the write's S3 event counts the bytes and frees the hold; a write that failed calls the
 * returned function. Throws QuotaExceeded when the bytes do not fit.
 */
export async function holdForWrite(
  quota: QuotaDeps,
  identityId: IdentityId,
  s3Key: ObjectKey,
  size: number,
): Promise<ReleaseHold> {
  const id = requestReservationId();
  await reserve(quota.store, identityId, quota.quotaBytes, {
    id,
    s3Key,
    size,
    expiresAt: Date.now() + EVENT_GRACE_MS,
  });
  return async () => {
    await release(quota.store, identityId, id, size).catch(() => undefined);
  };
}
