import { usageStoreFromEnv } from './lib/quotas/quota-deps';
import { reconcileUsage } from './lib/quotas/reconcile';
import type { UsageStore } from './lib/quotas/reservations';
import { type WorkerDeps, workerDepsFromEnv } from './lib/wiring/deps';
import { type LogSink, logLine } from './lib/wiring/log-line';

/** The most drifted users one log line names (the operator runs `usage reconcile` for the rest). */
const NAMED_USERS = 20;

/**
 * The daily usage check (an EventBridge schedule): every user's usage recomputed from ListObjectVersions
 * and compared with the usage table, as `usage reconcile --all` does, without fixing anything. One JSON
 * line per run; its `usersWithDrift` is the UsageDrift metric, which alarms above 0 (docs/quotas.md).
 */
export function usageReconciler(
  deps: WorkerDeps,
  store: UsageStore,
  usersPrefix: string,
  log: LogSink = logLine,
) {
  return async (): Promise<void> => {
    const drifts = await reconcileUsage(store, deps.s3, deps.bucket, usersPrefix, 'all', false);
    const drifted = drifts.filter((drift) => drift.outcome === 'reported');
    log({
      worker: 'usage-reconciler',
      usersWithDrift: drifted.length,
      // Changed while S3 was listed: not counted as drift, checked again tomorrow.
      usersChanging: drifts.length - drifted.length,
      driftBytes: drifted.reduce((sum, drift) => sum + Math.abs(drift.recorded.bytes - drift.kept.bytes), 0),
      users: drifted.slice(0, NAMED_USERS).map((drift) => drift.identityId),
    });
  };
}

/** Lambda sets AWS_REGION in every function; identity ids, and so the users' folders, start with it. */
function usersPrefix(): string {
  const region = process.env.AWS_REGION;
  if (region === undefined || region === '') throw new Error('Missing AWS_REGION');
  return `${region}:`;
}

export const handler = usageReconciler(workerDepsFromEnv(), usageStoreFromEnv(), usersPrefix());
