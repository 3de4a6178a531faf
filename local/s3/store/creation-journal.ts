import { randomUUID } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** An object about to be stored, as its notification will name it. */
export interface CreationIntent {
  readonly bucket: string;
  readonly key: string;
  /** Quoted, as S3 reports it. */
  readonly etag: string;
  readonly size: number;
  /** Epoch ms when the intent was written, before the object was. */
  readonly at: number;
}

/**
 * Closes the gap between storing an object and handing its notification on: an intent is written
 * (synchronously) before the object is committed and removed right after the notification was handed to
 * the listener, in the same synchronous step. A process killed in between leaves the intent, and the next
 * start notifies every object an intent names that was in fact stored (local/s3/index.ts).
 */
export class CreationJournal {
  constructor(private readonly dir: string) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
  }

  /** Records the intent; the returned function removes it. */
  begin(intent: Omit<CreationIntent, 'at'>): () => void {
    const path = join(this.dir, `${Date.now()}-${randomUUID()}.json`);
    writeFileSync(path, JSON.stringify({ ...intent, at: Date.now() }), { mode: 0o600 });
    return () => rmSync(path, { force: true });
  }

  /** The intents a killed process left, each with the function that removes it. */
  leftovers(): { readonly intent: CreationIntent; readonly end: () => void }[] {
    return readdirSync(this.dir)
      .filter((name) => name.endsWith('.json'))
      .sort()
      .flatMap((name) => {
        const path = join(this.dir, name);
        const end = () => rmSync(path, { force: true });
        try {
          return [{ intent: JSON.parse(readFileSync(path, 'utf8')) as CreationIntent, end }];
        } catch {
          end();
          return [];
        }
      });
  }
}
