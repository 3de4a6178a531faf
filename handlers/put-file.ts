import { storedContentType } from './lib/files/content-type';
import { s3Key } from './lib/files/keys';
import { checkStoreSize, type StoreLimits, storeFile, storeLimitsFromEnv } from './lib/files/store';
import { bodyBytes } from './lib/http/body';
import { httpHandler } from './lib/http/handler';
import { headerValue } from './lib/http/headers';
import { keyParam } from './lib/http/query';
import { holdForWrite } from './lib/quotas/hold';
import { type QuotaDeps, quotaFromEnv } from './lib/quotas/quota-deps';
import { type CallerDeps, callerDepsFromEnv } from './lib/wiring/deps';

/**
 * PUT /file?key= — stores the raw body (up to the configured limit) with its Content-Type, once its size
 * is reserved within the caller's quota; S3's event then counts the file and frees the reservation.
 */
export function putFile(
  deps: CallerDeps,
  limits: StoreLimits = storeLimitsFromEnv(),
  quota: QuotaDeps = quotaFromEnv(),
) {
  return httpHandler('PUT /file', deps.http, async ({ event, identityId }) => {
    const key = keyParam(event);
    const objectKey = s3Key(identityId, key, 'file');
    const contentType = storedContentType(headerValue(event, 'content-type'));
    const body = bodyBytes(event);
    checkStoreSize(body, limits);
    const files = deps.s3ForCaller(identityId);
    const releaseHold = await holdForWrite(quota, identityId, objectKey, body.length);
    try {
      const stored = await storeFile(files, deps.bucket, objectKey, body, contentType, limits);
      return { status: 201, body: { key, ...stored } };
    } catch (error) {
      // Whether or not S3 kept the bytes: if it did, its event counts them without the reservation.
      await releaseHold();
      throw error;
    }
  });
}

export const handler = putFile(callerDepsFromEnv());
