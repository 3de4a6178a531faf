import type { Usage } from '@lockbox/client';
import { useEffect } from 'react';
import { useLockbox } from './context.js';
import { type Paged, usePaged } from './paged.js';

export interface UsageState extends Omit<Paged, 'hasMore' | 'loadMore'> {
  /** Bytes and files stored, and the quota; undefined until the first answer. */
  readonly usage: Usage | undefined;
}

/** How long after a change S3's events have usually been applied (locally well under a second). */
const SETTLE_MS = 2000;

/** The user's storage against the quota, loaded again after every change made through the hooks. */
export function useUsage(): UsageState {
  const { client, revision } = useLockbox();
  const { pages, loading, error, refresh } = usePaged(
    'usage',
    () => client.getUsage(),
    () => undefined,
  );
  // Usage is corrected from S3's events, a moment after a change: load it once more then.
  // biome-ignore lint/correctness/useExhaustiveDependencies: each change starts one more load.
  useEffect(() => {
    if (revision === 0) return;
    const timer = setTimeout(refresh, SETTLE_MS);
    return () => clearTimeout(timer);
  }, [revision]);
  return { usage: pages[0], loading, error, refresh };
}
