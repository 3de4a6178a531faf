import { randomUUID } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** One asynchronous invocation not yet ended: the function's name and its event. */
export interface PendingInvocation {
  readonly id: string;
  readonly functionName: string;
  readonly event: unknown;
}

/**
 * The local asynchronous invocations' outbox: one file per invocation in the data folder, written
 * (temporary file, then rename) before the invocation starts and removed once it has ended (done, or
 * handed to its on-failure destination, whose own file is written first). A process that is killed
 * mid-run leaves the files of what it had not finished, and the next start delivers them again, in the
 * order they were written: at least once, as Lambda's queue. It survives a crash of the process, not of
 * the machine (no fsync).
 */
export class Outbox {
  private sequence = 0;

  constructor(private readonly dir: string) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
  }

  /** Records an invocation; throws when it cannot be written (a full disk), before anything ran. */
  add(functionName: string, event: unknown): string {
    // Time, then a counter: names sort in the order they were written, across restarts too.
    const id = `${String(Date.now()).padStart(15, '0')}-${String(this.sequence++).padStart(9, '0')}-${randomUUID().slice(0, 8)}`;
    const temporary = join(this.dir, `.${id}.tmp`);
    try {
      writeFileSync(temporary, JSON.stringify({ functionName, event }), { mode: 0o600 });
      renameSync(temporary, join(this.dir, `${id}.json`));
    } catch (error) {
      rmSync(temporary, { force: true });
      throw error;
    }
    return id;
  }

  remove(id: string): void {
    rmSync(join(this.dir, `${id}.json`), { force: true });
  }

  /** What a killed process left, oldest first; a half-written temporary file is dropped. */
  pending(): { readonly invocations: PendingInvocation[]; readonly unreadable: number } {
    const invocations: PendingInvocation[] = [];
    let unreadable = 0;
    for (const name of readdirSync(this.dir).sort()) {
      if (name.endsWith('.tmp')) {
        rmSync(join(this.dir, name), { force: true });
        continue;
      }
      if (!name.endsWith('.json')) continue;
      const id = name.slice(0, -'.json'.length);
      try {
        const record = JSON.parse(readFileSync(join(this.dir, name), 'utf8')) as Partial<PendingInvocation>;
        if (typeof record.functionName !== 'string') throw new Error('no function name');
        invocations.push({ id, functionName: record.functionName, event: record.event });
      } catch {
        unreadable++;
        this.remove(id);
      }
    }
    return { invocations, unreadable };
  }
}
