import { reconcileUsage, type UserDrift } from '../../handlers/lib/quotas/reconcile';
import type { Target } from './target';
import { readFolderRecord } from './user-data';
import { getUser } from './users';

export interface ReconcileReport {
  /** The users checked: one, or every user with a usage item or a file. */
  readonly scope: string;
  readonly drifts: readonly UserDrift[];
}

/**
 * `usage reconcile [EMAIL | --all] [--fix]`: each user's usage recomputed from ListObjectVersions and
 * compared with the usage table (handlers/lib/quotas/reconcile.ts); with `fix`, the truth written.
 */
export async function reconcileUsers(
  target: Target,
  who: { readonly email: string } | 'all',
  fix: boolean,
): Promise<ReconcileReport> {
  const bucket = target.config.bucket_name;
  if (who === 'all') {
    // Every user's folder starts with the region (identity ids are `<region>:<uuid>`).
    const drifts = await reconcileUsage(
      target.usageTable,
      target.s3,
      bucket,
      `${target.config.region}:`,
      'all',
      fix,
    );
    return { scope: 'every user', drifts };
  }
  const user = await getUser(target, who.email);
  const record = await readFolderRecord(target.s3, bucket, user.sub);
  if (record === undefined) return { scope: `${who.email} (no folder: never signed in)`, drifts: [] };
  const { identityId } = record;
  const drifts = await reconcileUsage(
    target.usageTable,
    target.s3,
    bucket,
    `${identityId}/`,
    [identityId],
    fix,
  );
  return { scope: `${who.email} (${identityId})`, drifts };
}
