import type { ZipJobDone, ZipProgress } from '@lockbox/client';
import { useRef, useState } from 'react';
import { useLockbox } from './context.js';

export interface ZipItem {
  /** This page's number for the job (React keys). */
  readonly id: number;
  readonly name: string;
  readonly state: 'zipping' | 'done' | 'failed';
  /** Files and bytes done while the server builds the archive. */
  readonly progress?: ZipProgress;
  /** The finished job: its `url` downloads the archive. */
  readonly job?: ZipJobDone;
  readonly error?: unknown;
}

export interface Zips {
  /** This page's zip jobs, newest first. */
  readonly zips: readonly ZipItem[];
  /** Zips the keys (a folder's prefix adds everything under it); answers the finished job, or undefined when it failed. */
  zip(keys: readonly string[], name?: string): Promise<ZipJobDone | undefined>;
}

export function useZip(): Zips {
  const { client } = useLockbox();
  const [zips, setZips] = useState<readonly ZipItem[]>([]);
  const nextId = useRef(0);
  return {
    zips,
    zip: async (keys, name = 'files.zip') => {
      const id = ++nextId.current;
      const patch = (change: Partial<ZipItem>) =>
        setZips((list) => list.map((item) => (item.id === id ? { ...item, ...change } : item)));
      setZips((list) => [{ id, name, state: 'zipping' }, ...list]);
      try {
        const job = await client.zip(keys, {
          name,
          // One key per request: a retry after a lost answer follows the same job.
          idempotencyKey: crypto.randomUUID(),
          onProgress: (progress) => patch({ progress }),
        });
        patch({ state: 'done', job });
        return job;
      } catch (error) {
        patch({ state: 'failed', error });
        return undefined;
      }
    },
  };
}
