import { MAX_KEYS_PER_CALL } from '../contract/s3-limits';
import { DELETE_REQUESTS_PER_MINUTE } from '../contract/settings';
import { deleteKeys } from './lib/files/delete';
import { arrayField, jsonBody, stringField } from './lib/http/body';
import { httpHandler } from './lib/http/handler';
import { queryParams } from './lib/http/query';
import { type RateLimiter, rateLimiterFromEnv } from './lib/rate-limit/limiter';
import { type CallerDeps, callerDepsFromEnv } from './lib/wiring/deps';

/** The most keys one request may name, as S3's DeleteObjects. */
export const MAX_DELETE_KEYS = MAX_KEYS_PER_CALL;

/**
 * POST /files/delete { keys } — files and folders ("photos/"), each reported as deleted or failed. The
 * caller's rate limit comes first (`rateLimit`; the deployed handler always has one).
 */
export function deleteFiles(deps: CallerDeps, rateLimit?: RateLimiter) {
  return httpHandler('POST /files/delete', deps.http, async ({ event, identityId }) => {
    await rateLimit?.(identityId);
    queryParams(event, []);
    const body = jsonBody(event, ['keys']);
    const keys = arrayField(body.keys, 'keys', 1, MAX_DELETE_KEYS).map((key, i) =>
      stringField(key, `keys[${i}]`),
    );
    return {
      status: 200,
      body: await deleteKeys(deps.s3ForCaller(identityId), deps.bucket, identityId, keys),
    };
  });
}

export const handler = deleteFiles(
  callerDepsFromEnv(),
  rateLimiterFromEnv('POST /files/delete', DELETE_REQUESTS_PER_MINUTE),
);
