import { type DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { openReservations, readUsageItem, type UsageStore } from './reservations';
import { compareSequencers } from './sequencer';
import {
  APPLYING_PREFIX,
  fileHash,
  fileItemKey,
  type Item,
  n,
  numberOf,
  RESERVATION_PREFIX,
  s,
  textOf,
  updateIf,
  usageItemKey,
} from './table';

/**
 * Applies S3's object events to a user's usage, exactly once and in each key's order, with single-item
 * conditional writes only (dynalite has no transactions). Per key, the file item is the journal:
 * 1. the file item records the event's sequencer, the new size and a `pending` change (the size delta,
 *    the file-count delta, the reservation the event releases), unless a later event is already recorded;
 * 2. the usage item applies the pending change and, in the same write, sets a mark `d_<hash of key and
 *    sequencer>` that no other write of this change can pass, so it is applied once;
 * 3. the file item drops `pending`, then the mark is stamped done;
 * 4. done marks older than MARK_KEEP_MS are swept: by then no run that saw the change pending is alive
 *    (MARK_KEEP_MS exceeds the recorder's timeout), so none can try step 2 again.
 * Whoever finds a `pending` change (a retry, or the next event of the key) finishes it first, so a crash
 * between the steps delays a change but never loses or doubles it (docs/quotas.md).
 */
export interface FileEvent {
  readonly identityId: string;
  readonly s3Key: string;
  /** Created (any ObjectCreated) or removed (ObjectRemoved:Delete or DeleteMarkerCreated). */
  readonly kind: 'created' | 'removed';
  /** The object's size (created only). */
  readonly size: number;
  readonly sequencer: string;
  /** With versioning: the version created or deleted; a deleted non-current version changes no usage. */
  readonly versionId?: string;
  /** True for a permanent delete of one version (not a delete marker). */
  readonly versionDelete?: boolean;
}

/** How long a removed file's tombstone is kept, so that a late, older event cannot bring it back. */
const TOMBSTONE_SECONDS = 2 * 24 * 3600;
const MAX_ATTEMPTS = 50;
/** How long a done mark is kept: more than the usage recorder's timeout (USAGE_RECORDER_TIMEOUT_SECONDS). */
export const MARK_KEEP_MS = 5 * 60 * 1000;

interface Pending {
  readonly seq: string;
  readonly bytes: number;
  readonly files: number;
  readonly reservation?: { readonly id: string; readonly size: number };
}

export type Outcome = 'applied' | 'stale';

export async function applyFileEvent(
  store: UsageStore,
  event: FileEvent,
  now = Date.now(),
): Promise<Outcome> {
  const hash = fileHash(event.s3Key);
  const key = fileItemKey(event.identityId, event.s3Key);
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const file = await getItem(store.dynamodb, store.table, key);
    const pending = file?.pending?.M;
    if (pending !== undefined) {
      await finish(store, event.identityId, hash, readPending(pending));
      continue;
    }
    const lastSeq = textOf(file, 'seq');
    if (lastSeq !== undefined && compareSequencers(lastSeq, event.sequencer) >= 0) return 'stale';
    const present = file?.present?.BOOL === true;
    if (isNonCurrentVersionDelete(event, file, present)) return 'stale';
    const oldSize = present ? numberOf(file, 'size') : 0;
    const change: Pending =
      event.kind === 'created'
        ? {
            seq: event.sequencer,
            bytes: event.size - oldSize,
            files: present ? 0 : 1,
            reservation: await reservationFor(store, event),
          }
        : { seq: event.sequencer, bytes: -oldSize, files: present ? -1 : 0 };
    if (await recordPending(store, key, event, change, lastSeq, now)) {
      await finish(store, event.identityId, hash, change);
      return 'applied';
    }
  }
  throw new Error('Usage event not applied: too much contention on one file');
}

/** Deleting a version other than the current one (versioning) leaves the file as it is. */
function isNonCurrentVersionDelete(event: FileEvent, file: Item | undefined, present: boolean): boolean {
  if (event.kind !== 'removed' || event.versionDelete !== true || !present) return false;
  const current = textOf(file, 'versionId');
  return current !== undefined && event.versionId !== undefined && current !== event.versionId;
}

/** The open reservation the created file fills: of its key, the same size, else the smallest larger. */
async function reservationFor(store: UsageStore, event: FileEvent): Promise<Pending['reservation']> {
  const candidates = openReservations(await readUsageItem(store, event.identityId))
    .filter((r) => r.s3Key === event.s3Key && r.size >= event.size)
    .sort((a, b) => a.size - b.size || a.id.localeCompare(b.id));
  const chosen = candidates.find((r) => r.size === event.size) ?? candidates[0];
  return chosen === undefined ? undefined : { id: chosen.id, size: chosen.size };
}

async function recordPending(
  store: UsageStore,
  key: Item,
  event: FileEvent,
  change: Pending,
  lastSeq: string | undefined,
  now: number,
): Promise<boolean> {
  const created = event.kind === 'created';
  const values: Item = {
    ':seq': s(event.sequencer),
    ':size': n(created ? event.size : 0),
    ':present': { BOOL: created },
    ':pending': { M: pendingItem(change) },
    ':version': s(event.versionId ?? ''),
    ...(lastSeq === undefined ? {} : { ':lastSeq': s(lastSeq) }),
    ...(created ? {} : { ':expires': n(Math.floor(now / 1000) + TOMBSTONE_SECONDS) }),
  };
  return updateIf(store, {
    Key: key,
    UpdateExpression:
      'SET #seq = :seq, #size = :size, present = :present, pending = :pending, versionId = :version' +
      (created ? ' REMOVE expiresAt' : ', expiresAt = :expires'),
    ConditionExpression:
      'attribute_not_exists(pending) AND ' +
      (lastSeq === undefined ? 'attribute_not_exists(#seq)' : '#seq = :lastSeq'),
    ExpressionAttributeNames: { '#seq': 'seq', '#size': 'size' },
    ExpressionAttributeValues: values,
  });
}

/** Steps 2–4 of a recorded change; each is idempotent, so anyone may run them again. */
async function finish(store: UsageStore, identityId: string, hash: string, change: Pending): Promise<void> {
  if (!(await applyToUsage(store, identityId, hash, change, change.reservation))) {
    const usage = await readUsageItem(store, identityId);
    // Not applied yet, so the reservation went first (lapsed, or an abort): apply without it.
    if (usage?.[markName(hash, change.seq)] === undefined) {
      if (!(await applyToUsage(store, identityId, hash, change, undefined))) {
        throw new Error('Usage event: the usage item changed under a mark it did not set');
      }
    }
  }
  await updateIf(store, {
    Key: { user: { S: identityId }, item: { S: `file#${hash}` } },
    UpdateExpression: 'REMOVE pending',
    ConditionExpression: 'pending.#seq = :seq',
    ExpressionAttributeNames: { '#seq': 'seq' },
    ExpressionAttributeValues: { ':seq': s(change.seq) },
  });
  await stampDone(store, identityId, markName(hash, change.seq));
  await sweepMarks(store, identityId);
}

/** The mark of one change: a file's key hash and the event's sequencer, hashed to a short name. */
function markName(hash: string, seq: string): string {
  return APPLYING_PREFIX + fileHash(`${hash}:${seq.toUpperCase()}`).slice(0, 32);
}

async function applyToUsage(
  store: UsageStore,
  identityId: string,
  hash: string,
  change: Pending,
  reservation: Pending['reservation'],
): Promise<boolean> {
  const names: Record<string, string> = {
    '#d': markName(hash, change.seq),
    '#bytes': 'bytes',
    '#files': 'files',
    '#charged': 'charged',
  };
  const values: Item = {
    ':mark': { M: { at: n(Date.now()), done: { BOOL: false } } },
    ':bytes': n(change.bytes),
    ':files': n(change.files),
    ':charged': n(change.bytes - (reservation?.size ?? 0)),
  };
  let update = 'SET #d = :mark ADD #bytes :bytes, #files :files, #charged :charged';
  let condition = 'attribute_not_exists(#d)';
  if (reservation !== undefined) {
    Object.assign(names, {
      '#r': RESERVATION_PREFIX + reservation.id,
      '#size': 'size',
      '#count': 'reservationCount',
    });
    Object.assign(values, { ':rsize': n(reservation.size), ':minusOne': n(-1) });
    update += ', #count :minusOne REMOVE #r';
    condition += ' AND #r.#size = :rsize';
  }
  return updateIf(store, {
    Key: usageItemKey(identityId),
    UpdateExpression: update,
    ConditionExpression: condition,
    ExpressionAttributeNames: names,
    ExpressionAttributeValues: values,
  });
}

async function stampDone(store: UsageStore, identityId: string, mark: string): Promise<void> {
  await updateIf(store, {
    Key: usageItemKey(identityId),
    UpdateExpression: 'SET #d = :done',
    ConditionExpression: 'attribute_exists(#d)',
    ExpressionAttributeNames: { '#d': mark },
    ExpressionAttributeValues: { ':done': { M: { at: n(Date.now()), done: { BOOL: true } } } },
  });
}

/** Removes the done marks older than MARK_KEEP_MS (step 4). */
async function sweepMarks(store: UsageStore, identityId: string, now = Date.now()): Promise<void> {
  const usage = await readUsageItem(store, identityId);
  const old = Object.entries(usage ?? {}).filter(
    ([name, value]) =>
      name.startsWith(APPLYING_PREFIX) &&
      value.M?.done?.BOOL === true &&
      numberOf(value.M, 'at') < now - MARK_KEEP_MS,
  );
  await Promise.all(
    old.map(([name, value]) =>
      updateIf(store, {
        Key: usageItemKey(identityId),
        UpdateExpression: 'REMOVE #d',
        ConditionExpression: '#d.#at = :at',
        ExpressionAttributeNames: { '#d': name, '#at': 'at' },
        ExpressionAttributeValues: { ':at': n(numberOf(value.M, 'at')) },
      }),
    ),
  );
}

function pendingItem(change: Pending): Item {
  return {
    seq: s(change.seq),
    bytes: n(change.bytes),
    files: n(change.files),
    ...(change.reservation === undefined
      ? {}
      : { reservationId: s(change.reservation.id), reservationSize: n(change.reservation.size) }),
  };
}

function readPending(item: Item): Pending {
  const id = textOf(item, 'reservationId');
  return {
    seq: textOf(item, 'seq') ?? '',
    bytes: numberOf(item, 'bytes'),
    files: numberOf(item, 'files'),
    reservation: id === undefined ? undefined : { id, size: numberOf(item, 'reservationSize') },
  };
}

async function getItem(dynamodb: DynamoDBClient, table: string, key: Item): Promise<Item | undefined> {
  return (await dynamodb.send(new GetItemCommand({ TableName: table, Key: key, ConsistentRead: true }))).Item;
}
