import { BUCKET_NAME } from '../contract/settings';
import { fileEventsOfS3Event } from './lib/quotas/event';
import { applyFileEvent } from './lib/quotas/ledger';
import { usageStoreFromEnv } from './lib/quotas/quota-deps';
import type { UsageStore } from './lib/quotas/reservations';
import { readText } from './lib/wiring/env';
import { type LogSink, logLine } from './lib/wiring/log-line';

/**
 * The usage recorder: S3 invokes it for every object created or removed under the users' folders and it
 * applies each to the owner's usage (lib/quotas/ledger.ts), exactly once and in each key's order. A
 * failure throws, so Lambda retries the whole event; applying one again is a no-op.
 */
export function usageRecorder(store: UsageStore, bucket: string, log: LogSink = logLine) {
  return async (event: unknown): Promise<void> => {
    const { events, refused } = fileEventsOfS3Event(event, bucket);
    let applied = 0;
    for (const fileEvent of events) {
      if ((await applyFileEvent(store, fileEvent)) === 'applied') applied++;
    }
    log({ worker: 'usage-recorder', records: events.length, applied, refused });
  };
}

export const handler = usageRecorder(usageStoreFromEnv(), readText(BUCKET_NAME));
