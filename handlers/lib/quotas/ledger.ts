import { type DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import type { IdentityId } from '../files/keys';
import { openReservations, readUsageItem, reservationKeyHash, type UsageStore } from './reservations';
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
import {
  applyToVersion,
  pruned,
  totalsOf,
  type Versions,
  versionName,
  versionsOfItem,
  versionsToItem,
} from './versions';

/**
 * Applies S3's object events to a user's usage, exactly once each, with single-item conditional writes
 * only (dynalite has no transactions). Per key, the file item holds the key's versions (versions.ts) and
 * a revision number, and is the journal:
 * 1. the file item records the versions with the event applied, the next revision and a `pending` change
 *    (the bytes, current bytes and file-count deltas, the reservation the event fills), conditional on
 *    the revision read and no `pending`;
 * 2. the usage item applies the pending change and, in the same write, sets a mark `d_<hash of key and
 *    revision>` that no other write of this change can pass, so it is applied once;
 * 3. the file item drops `pending`, then the mark is stamped done;
 * 4. done marks older than MARK_KEEP_MS are swept: by then no run that saw the change pending is alive
 *    (MARK_KEEP_MS exceeds the recorder's timeout), so none can try step 2 again.
 * Whoever finds a `pending` change (a retry, or the next event of the key) finishes it first, so a crash
 * between the steps delays a change but never loses or doubles it (docs/quotas.md).
 */
export interface FileEvent {
  readonly identityId: IdentityId;
  readonly s3Key: string;
  /**
   * A version created (any ObjectCreated), a delete marker created (ObjectRemoved:DeleteMarkerCreated),
   * or a version removed for good (ObjectRemoved:Delete of a version id, LifecycleExpiration:Delete).
   */
  readonly kind: 'created' | 'marker' | 'removed';
  /** The version's size (created only). */
  readonly size: number;
  readonly sequencer: string;
  /** The version the event is about; `null` for an object written without versioning (as S3 names it). */
  readonly versionId: string;
}

const MAX_ATTEMPTS = 50;
/** How long a done mark is kept: more than the usage recorder's timeout (USAGE_RECORDER_TIMEOUT_SECONDS). */
export const MARK_KEEP_MS = 5 * 60 * 1000;

interface Pending {
  readonly rev: number;
  readonly bytes: number;
  readonly currentBytes: number;
  readonly files: number;
  readonly reservation?: { readonly id: string; readonly size: number };
}

/** `applied` changed the ledger; `duplicate` was an event of a version already applied. */
export type Outcome = 'applied' | 'duplicate';

export async function applyFileEvent(
  store: UsageStore,
  event: FileEvent,
  now = Date.now(),
): Promise<Outcome> {
  const hash = fileHash(event.s3Key);
  const key = fileItemKey(event.identityId, event.s3Key);
  const nowSeconds = Math.floor(now / 1000);
  const name = versionName(event.versionId);
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const file = await getItem(store.dynamodb, store.table, key);
    const pending = file?.pending?.M;
    if (pending !== undefined) {
      await finish(store, event.identityId, hash, readPending(pending));
      continue;
    }
    const versions = versionsOfItem(file?.versions?.M);
    const state = applyToVersion(versions[name], event, event.sequencer, nowSeconds);
    if (state === undefined) return 'duplicate';
    const next = pruned({ ...versions, [name]: state }, nowSeconds);
    const before = totalsOf(versions);
    const after = totalsOf(next);
    const rev = numberOf(file, 'rev');
    const change: Pending = {
      rev: rev + 1,
      bytes: after.bytes - before.bytes,
      currentBytes: after.currentBytes - before.currentBytes,
      files: after.files - before.files,
      // Every created version fills its write's reservation, even one already removed when its event
      // comes: the write happened, so its hold has done its job.
      reservation: event.kind === 'created' ? await reservationFor(store, event) : undefined,
    };
    if (await recordPending(store, key, next, change, file?.rev === undefined ? undefined : rev)) {
      await finish(store, event.identityId, hash, change);
      return 'applied';
    }
  }
  throw new Error('Usage event not applied: too much contention on one file');
}

/** The open reservation the created version fills: of its key, the same size, else the smallest larger. */
async function reservationFor(store: UsageStore, event: FileEvent): Promise<Pending['reservation']> {
  const keyHash = reservationKeyHash(event.s3Key);
  const candidates = openReservations(await readUsageItem(store, event.identityId))
    .filter((r) => r.keyHash === keyHash && r.size >= event.size)
    .sort((a, b) => a.size - b.size || a.id.localeCompare(b.id));
  const chosen = candidates.find((r) => r.size === event.size) ?? candidates[0];
  return chosen === undefined ? undefined : { id: chosen.id, size: chosen.size };
}

async function recordPending(
  store: UsageStore,
  key: Item,
  versions: Versions,
  change: Pending,
  lastRev: number | undefined,
): Promise<boolean> {
  return updateIf(store, {
    Key: key,
    UpdateExpression: 'SET versions = :versions, rev = :rev, pending = :pending',
    ConditionExpression:
      'attribute_not_exists(pending) AND ' +
      (lastRev === undefined ? 'attribute_not_exists(rev)' : 'rev = :lastRev'),
    ExpressionAttributeValues: {
      ':versions': { M: versionsToItem(versions) },
      ':rev': n(change.rev),
      ':pending': { M: pendingItem(change) },
      ...(lastRev === undefined ? {} : { ':lastRev': n(lastRev) }),
    },
  });
}

/** Steps 2–4 of a recorded change; each is idempotent, so anyone may run them again. */
async function finish(
  store: UsageStore,
  identityId: IdentityId,
  hash: string,
  change: Pending,
): Promise<void> {
  if (!(await applyToUsage(store, identityId, hash, change, change.reservation))) {
    const usage = await readUsageItem(store, identityId);
    // Not applied yet, so the reservation went first (lapsed, or an abort): apply without it.
    if (usage?.[markName(hash, change.rev)] === undefined) {
      if (!(await applyToUsage(store, identityId, hash, change, undefined))) {
        throw new Error('Usage event: the usage item changed under a mark it did not set');
      }
    }
  }
  await updateIf(store, {
    Key: { user: { S: identityId }, item: { S: `file#${hash}` } },
    UpdateExpression: 'REMOVE pending',
    ConditionExpression: 'pending.rev = :rev',
    ExpressionAttributeValues: { ':rev': n(change.rev) },
  });
  await stampDone(store, identityId, markName(hash, change.rev));
  await sweepMarks(store, identityId);
}

/** The mark of one change: a file's key hash and the change's revision, hashed to a short name. */
function markName(hash: string, rev: number): string {
  return APPLYING_PREFIX + fileHash(`${hash}:${rev}`).slice(0, 32);
}

async function applyToUsage(
  store: UsageStore,
  identityId: IdentityId,
  hash: string,
  change: Pending,
  reservation: Pending['reservation'],
): Promise<boolean> {
  const names: Record<string, string> = {
    '#d': markName(hash, change.rev),
    '#bytes': 'bytes',
    '#current': 'currentBytes',
    '#files': 'files',
    '#charged': 'charged',
  };
  const values: Item = {
    ':mark': { M: { at: n(Date.now()), done: { BOOL: false } } },
    ':bytes': n(change.bytes),
    ':current': n(change.currentBytes),
    ':files': n(change.files),
    ':charged': n(change.bytes - (reservation?.size ?? 0)),
  };
  let update = 'SET #d = :mark ADD #bytes :bytes, #current :current, #files :files, #charged :charged';
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

async function stampDone(store: UsageStore, identityId: IdentityId, mark: string): Promise<void> {
  await updateIf(store, {
    Key: usageItemKey(identityId),
    UpdateExpression: 'SET #d = :done',
    ConditionExpression: 'attribute_exists(#d)',
    ExpressionAttributeNames: { '#d': mark },
    ExpressionAttributeValues: { ':done': { M: { at: n(Date.now()), done: { BOOL: true } } } },
  });
}

/** Removes the done marks older than MARK_KEEP_MS (step 4). */
async function sweepMarks(store: UsageStore, identityId: IdentityId, now = Date.now()): Promise<void> {
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
    rev: n(change.rev),
    bytes: n(change.bytes),
    currentBytes: n(change.currentBytes),
    files: n(change.files),
    ...(change.reservation === undefined
      ? {}
      : { reservationId: s(change.reservation.id), reservationSize: n(change.reservation.size) }),
  };
}

function readPending(item: Item): Pending {
  const id = textOf(item, 'reservationId');
  return {
    rev: numberOf(item, 'rev'),
    bytes: numberOf(item, 'bytes'),
    currentBytes: numberOf(item, 'currentBytes'),
    files: numberOf(item, 'files'),
    reservation: id === undefined ? undefined : { id, size: numberOf(item, 'reservationSize') },
  };
}

async function getItem(dynamodb: DynamoDBClient, table: string, key: Item): Promise<Item | undefined> {
  return (await dynamodb.send(new GetItemCommand({ TableName: table, Key: key, ConsistentRead: true }))).Item;
}
