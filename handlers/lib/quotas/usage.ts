import type { IdentityId } from '../files/keys';
import { readUsageItem, type UsageStore } from './reservations';
import { numberOf } from './table';

export interface Usage {
  /** Every byte S3 keeps of the user's files: current and noncurrent versions (delete markers count 0). */
  readonly bytes: number;
  /** The current versions' bytes. */
  readonly currentBytes: number;
  /** The noncurrent versions' bytes (kept for undo until the bucket's lifecycle rule expires them). */
  readonly versionBytes: number;
  /** Files with a current version. */
  readonly files: number;
}

/** The user's counted usage, as S3's events reported it (uploads in progress are not part of it). */
export async function readUsage(store: UsageStore, identityId: IdentityId): Promise<Usage> {
  const item = await readUsageItem(store, identityId);
  const bytes = numberOf(item, 'bytes');
  const currentBytes = numberOf(item, 'currentBytes');
  return { bytes, currentBytes, versionBytes: bytes - currentBytes, files: numberOf(item, 'files') };
}
