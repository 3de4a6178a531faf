import { httpHandler } from './lib/http/handler';
import { queryParams } from './lib/http/query';
import { type QuotaDeps, quotaFromEnv } from './lib/quotas/quota-deps';
import { readUsage } from './lib/quotas/usage';
import { depsFromEnv, type HandlerDeps } from './lib/wiring/deps';

/** GET /usage — the caller's stored bytes and files (as S3's events counted them) and their quota. */
export function getUsage(deps: HandlerDeps, quota: QuotaDeps = quotaFromEnv()) {
  return httpHandler('GET /usage', deps.http, async ({ event, identityId }) => {
    queryParams(event, []);
    const usage = await readUsage(quota.store, identityId);
    return { status: 200, body: { ...usage, quotaBytes: quota.quotaBytes } };
  });
}

export const handler = getUsage(depsFromEnv());
