import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { IntegerSetting } from '../../../contract/settings';
import type { IdentityId } from '../files/keys';
import { TooManyRequestsError } from '../http/errors';
import { usageStoreFromEnv } from '../quotas/quota-deps';
import { n, updateIf } from '../quotas/table';
import { readInteger } from '../wiring/env';

/** The usage table (docs/quotas.md), where each caller's buckets are items of their own. */
export interface RateLimitStore {
  readonly dynamodb: DynamoDBClient;
  readonly table: string;
}

/** Takes one request from the caller's bucket, or throws RateLimitedError. */
export type RateLimiter = (identityId: IdentityId) => Promise<void>;

/** 429 `TooManyRequests` with a `Retry-After` of the seconds until the caller's bucket holds a request. */
export class RateLimitedError extends TooManyRequestsError {
  constructor(readonly retryAfterSeconds: number) {
    super(`Too many requests: retry after ${retryAfterSeconds} s.`);
    this.headers = { 'Retry-After': String(retryAfterSeconds) };
  }
}

/**
 * A token bucket per caller and route, kept in the usage table as the item `rate#<route>` of the caller:
 * it holds `perMinute` requests and refills one every 60 s / perMinute. Its one attribute `fullAt` is the
 * time (ms) at which the bucket is full again (GCRA, the "generic cell rate algorithm"), so no read is
 * needed, only conditional updates: a full bucket sets it to now + one interval (one update, the common
 * case); a bucket in use adds one interval if that leaves it within a minute of now. DynamoDB has no
 * max(), so a request inside a burst takes a second update, and a refused one two that write nothing.
 * Refused, the caller waits at most one interval, which Retry-After says. `expiresAt` lets DynamoDB's
 * TTL remove buckets that are full again.
 */
export function rateLimiter(
  store: RateLimitStore,
  route: string,
  perMinute: number,
  now: () => number = Date.now,
): RateLimiter {
  const window = 60_000;
  const interval = Math.ceil(window / perMinute);
  const retryAfterSeconds = Math.ceil(interval / 1000);
  return async (identityId) => {
    const at = now();
    const key = { user: { S: identityId }, item: { S: `rate#${route}` } };
    const expiresAt = n(Math.ceil((at + window) / 1000));
    const full = await updateIf(store, {
      Key: key,
      UpdateExpression: 'SET fullAt = :next, expiresAt = :expires',
      ConditionExpression: 'attribute_not_exists(fullAt) OR fullAt <= :now',
      ExpressionAttributeValues: { ':next': n(at + interval), ':now': n(at), ':expires': expiresAt },
    });
    if (full) return;
    const taken = await updateIf(store, {
      Key: key,
      UpdateExpression: 'SET fullAt = fullAt + :interval, expiresAt = :expires',
      ConditionExpression: 'fullAt <= :last',
      ExpressionAttributeValues: {
        ':interval': n(interval),
        ':last': n(at + window - interval),
        ':expires': expiresAt,
      },
    });
    if (!taken) throw new RateLimitedError(retryAfterSeconds);
  };
}

/** The route's limiter on the usage table of the settings, its rate from `setting`, read at cold start. */
export function rateLimiterFromEnv(route: string, setting: IntegerSetting): RateLimiter {
  return rateLimiter(usageStoreFromEnv(), route, readInteger(setting));
}
