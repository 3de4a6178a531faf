import { compareSequencers } from './sequencer';
import { fileHash, type Item, n, numberOf, s, textOf } from './table';

/**
 * What the ledger knows of one S3 key: every version S3 has told of, by a short hash of its version id.
 * A version is created once (ObjectCreated, or a delete marker) and removed once (ObjectRemoved:Delete
 * of that version id, or LifecycleExpiration); either event may come first, late or twice. So each
 * version keeps what it has seen, and the state reached is the same in any order of delivery:
 * - `created`: the create's sequencer (`c`), the size (`s`), whether it is a delete marker (`m`);
 * - `removed`: the removal's sequencer (`x`) and when it came (`t`, epoch seconds), kept
 *   TOMBSTONE_SECONDS so that a late or repeated event of that version changes nothing.
 * A version counts while it is created and not removed (a delete marker counts 0 bytes); the key's
 * current version is the counted one with the greatest create sequencer (S3's order of one key).
 */
export interface VersionState {
  readonly created?: { readonly seq: string; readonly size: number; readonly marker: boolean };
  readonly removed?: { readonly seq: string; readonly at: number };
}

export type Versions = Readonly<Record<string, VersionState>>;

/** One S3 event of a key's version, as the ledger applies it. */
export type VersionEvent =
  | { readonly kind: 'created'; readonly size: number }
  | { readonly kind: 'marker' }
  | { readonly kind: 'removed' };

/** How long a removed version is remembered: past Lambda's 6 hours of retries and S3's late duplicates. */
export const TOMBSTONE_SECONDS = 2 * 24 * 3600;

/** What a key's versions add to the usage item. */
export interface VersionTotals {
  /** Every counted version's bytes, current and noncurrent. */
  readonly bytes: number;
  /** The current version's bytes (0 when it is a delete marker or there is none). */
  readonly currentBytes: number;
  /** 1 when the key has a current version that is not a delete marker. */
  readonly files: number;
}

/** The short name a version id is kept under: fixed-size, whatever S3's id looks like. */
export function versionName(versionId: string): string {
  return fileHash(versionId).slice(0, 16);
}

/**
 * The version's state once `event` is applied, or undefined when the event was applied before (a
 * duplicate, or a create after the version was already created): it then changes nothing.
 */
export function applyToVersion(
  state: VersionState | undefined,
  event: VersionEvent,
  seq: string,
  nowSeconds: number,
): VersionState | undefined {
  if (event.kind === 'removed') {
    if (state?.removed !== undefined) return undefined;
    return { ...state, removed: { seq, at: nowSeconds } };
  }
  if (state?.created !== undefined) return undefined;
  const created =
    event.kind === 'created' ? { seq, size: event.size, marker: false } : { seq, size: 0, marker: true };
  return { ...state, created };
}

export function totalsOf(versions: Versions): VersionTotals {
  let bytes = 0;
  let current: VersionState['created'];
  for (const { created, removed } of Object.values(versions)) {
    if (created === undefined || removed !== undefined) continue;
    bytes += created.size;
    if (current === undefined || compareSequencers(created.seq, current.seq) > 0) current = created;
  }
  const isFile = current !== undefined && !current.marker;
  return { bytes, currentBytes: isFile ? (current?.size ?? 0) : 0, files: isFile ? 1 : 0 };
}

/** Drops the removed versions remembered longer than TOMBSTONE_SECONDS. */
export function pruned(versions: Versions, nowSeconds: number): Versions {
  return Object.fromEntries(
    Object.entries(versions).filter(
      ([, state]) => state.removed === undefined || state.removed.at > nowSeconds - TOMBSTONE_SECONDS,
    ),
  );
}

export function versionsToItem(versions: Versions): Item {
  return Object.fromEntries(
    Object.entries(versions).map(([name, { created, removed }]) => [
      name,
      {
        M: {
          ...(created === undefined
            ? {}
            : { c: s(created.seq), s: n(created.size), ...(created.marker ? { m: { BOOL: true } } : {}) }),
          ...(removed === undefined ? {} : { x: s(removed.seq), t: n(removed.at) }),
        },
      },
    ]),
  );
}

export function versionsOfItem(item: Item | undefined): Versions {
  return Object.fromEntries(
    Object.entries(item ?? {}).map(([name, value]) => {
      const entry = value.M;
      const createdSeq = textOf(entry, 'c');
      const removedSeq = textOf(entry, 'x');
      const state: VersionState = {
        ...(createdSeq === undefined
          ? {}
          : { created: { seq: createdSeq, size: numberOf(entry, 's'), marker: entry?.m?.BOOL === true } }),
        ...(removedSeq === undefined ? {} : { removed: { seq: removedSeq, at: numberOf(entry, 't') } }),
      };
      return [name, state];
    }),
  );
}
