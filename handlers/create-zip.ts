import { ZIP_REQUESTS_PER_MINUTE } from '../contract/settings';
import { arrayField, jsonBody } from './lib/http/body';
import { httpHandler } from './lib/http/handler';
import { queryParams } from './lib/http/query';
import { type RateLimiter, rateLimiterFromEnv } from './lib/rate-limit/limiter';
import { type CallerDeps, callerDepsFromEnv } from './lib/wiring/deps';
import { archiveFileName } from './lib/zip/jobs/archive-name';
import { createJob } from './lib/zip/jobs/create';
import { claimKey, fingerprint, idempotencyKey } from './lib/zip/jobs/idempotency';
import { MAX_ZIP_KEYS, type ZipLimits, zipCapsFromEnv, zipLimitsFromEnv } from './lib/zip/jobs/job-limits';
import type { ZipCaps } from './lib/zip/jobs/job-slots';

/**
 * POST /zips { keys, name? } — checks every key, file and limit, takes one of the caller's job slots,
 * records the job and answers 202 at once; the worker, started by the request record's creation, does the
 * zipping. With an Idempotency-Key, a repeat of the request answers with the same job. The caller's
 * rate limit comes first, before any other work (`rateLimit`; the deployed handler always has one).
 */
export function createZip(
  deps: CallerDeps,
  limits: ZipLimits = zipLimitsFromEnv(),
  caps: ZipCaps = zipCapsFromEnv(),
  rateLimit?: RateLimiter,
) {
  return httpHandler('POST /zips', deps.http, async ({ event, identityId }) => {
    await rateLimit?.(identityId);
    queryParams(event, []);
    const key = idempotencyKey(event);
    const body = jsonBody(event, ['keys', 'name']);
    const keys = arrayField(body.keys, 'keys', 1, MAX_ZIP_KEYS);
    const name = archiveFileName(body.name);
    const accepted = (jobId: string) => ({ status: 202, body: { id: jobId, status: 'pending' } });
    // The caller's session reaches both the files it checks and the zip area it records the job in.
    const files = deps.s3ForCaller(identityId);
    const records = { s3: files, bucket: deps.bucket };
    if (key === undefined) {
      const job = await createJob(records, files, identityId, { keys, name }, limits, caps);
      return accepted(job.jobId);
    }
    const claim = await claimKey(files, deps.bucket, identityId, key, fingerprint([keys, body.name ?? null]));
    if (claim.kind === 'replay') return accepted(claim.jobId);
    try {
      await createJob(records, files, identityId, { keys, name, jobId: claim.jobId }, limits, caps);
    } catch (error) {
      // Best effort: a key left claimed frees itself once the attempt is a minute old.
      await claim.release().catch(() => {});
      throw error;
    }
    return accepted(claim.jobId);
  });
}

export const handler = createZip(
  callerDepsFromEnv(),
  zipLimitsFromEnv(),
  zipCapsFromEnv(),
  rateLimiterFromEnv('POST /zips', ZIP_REQUESTS_PER_MINUTE),
);
