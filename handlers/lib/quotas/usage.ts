import { readUsageItem, type UsageStore } from './reservations';
import { numberOf } from './table';

export interface Usage {
  /** Bytes of the user's files, as S3's events reported them. */
  readonly bytes: number;
  readonly files: number;
}

/** The user's counted usage (reservations of uploads in progress are not part of it). */
export async function readUsage(store: UsageStore, identityId: string): Promise<Usage> {
  const item = await readUsageItem(store, identityId);
  return { bytes: numberOf(item, 'bytes'), files: numberOf(item, 'files') };
}
