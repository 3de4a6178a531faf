import { type QuotaDeps, quotaFromEnv } from './lib/quotas/quota-deps';
import { transferRoute } from './lib/transfers/route';
import { type CallerDeps, callerDepsFromEnv } from './lib/wiring/deps';

/** POST /files/copy { from, to, overwrite? } — lib/transfers/route.ts; each copy is held in the quota. */
export function copyFiles(deps: CallerDeps, quota: QuotaDeps = quotaFromEnv()) {
  return transferRoute('copy', deps, quota);
}

export const handler = copyFiles(callerDepsFromEnv());
