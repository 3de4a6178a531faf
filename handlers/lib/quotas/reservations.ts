import { type DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import type { IdentityId } from '../files/keys';
import { QuotaExceededError, TooManyUploadsError } from '../http/errors';
import {
  fileHash,
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
 * Reservations: bytes a request may still write. The quota check counts them with the stored bytes, so
 * concurrent requests of one user can never together pass the quota; the S3 event that counts the file
 * releases its reservation (ledger.ts), an abort or a failed write releases it at once, and one that
 * nobody releases lapses at its expiry. One conditional UpdateItem each: DynamoDB conditions cannot add,
 * so the usage item keeps `charged` (= bytes + reserved) and the check is `charged <= quota - size`.
 */

/**
 * The most reservations one user may hold open: about 110 bytes each (a 34-byte name, a 32-character key
 * hash, size and expiry), so at most ~55 KB of the usage item, far from DynamoDB's 400 KB item limit
 * whatever the keys' length. Past it a reservation answers 409 TooManyUploads.
 */
export const MAX_OPEN_RESERVATIONS = 500;

export interface UsageStore {
  readonly dynamodb: DynamoDBClient;
  readonly table: string;
}

export interface Reservation {
  /** Unique per request (or the multipart upload's hash), safe as part of an attribute name. */
  readonly id: string;
  /** The S3 key the bytes will land under: the S3 event of that key releases the reservation. */
  readonly s3Key: string;
  readonly size: number;
  /** Epoch ms after which the reservation lapses. */
  readonly expiresAt: number;
}

/** An open reservation as the usage item keeps it: its key only as a fixed-size hash. */
export interface OpenReservation extends Omit<Reservation, 's3Key'> {
  readonly keyHash: string;
}

/** The key's hash a reservation keeps: 32 hex characters whatever the key's length (up to 1 KiB). */
export function reservationKeyHash(s3Key: string): string {
  return fileHash(s3Key).slice(0, 32);
}

/**
 * Reserves `size` bytes; throws QuotaExceeded when stored + reserved + size would pass `quotaBytes`, or
 * TooManyUploads when the user already holds MAX_OPEN_RESERVATIONS.
 */
export async function reserve(
  store: UsageStore,
  identityId: IdentityId,
  quotaBytes: number,
  reservation: Reservation,
  now = Date.now(),
): Promise<void> {
  if (reservation.size > quotaBytes) throw quotaExceeded(quotaBytes);
  if (await tryReserve(store, identityId, quotaBytes, reservation)) return;
  // Refused: lapsed reservations may hold the room; release them and try once more.
  if (
    (await releaseLapsed(store, identityId, now)) > 0 &&
    (await tryReserve(store, identityId, quotaBytes, reservation))
  )
    return;
  const item = await readUsageItem(store, identityId);
  if (numberOf(item, 'reservationCount') >= MAX_OPEN_RESERVATIONS) {
    throw new TooManyUploadsError(
      `You have ${MAX_OPEN_RESERVATIONS} uploads in progress, as many as one user may: finish or abort some first.`,
    );
  }
  throw quotaExceeded(quotaBytes);
}

function quotaExceeded(quotaBytes: number): QuotaExceededError {
  return new QuotaExceededError(
    `This would pass your storage quota of ${quotaBytes} bytes (uploads in progress count): delete files first.`,
  );
}

async function tryReserve(
  store: UsageStore,
  identityId: IdentityId,
  quotaBytes: number,
  reservation: Reservation,
): Promise<boolean> {
  return updateIf(store, {
    Key: usageItemKey(identityId),
    UpdateExpression: 'SET #r = :r ADD #charged :size, #count :one',
    ConditionExpression:
      'attribute_not_exists(#r) AND (attribute_not_exists(#charged) OR #charged <= :limit) AND ' +
      '(attribute_not_exists(#count) OR #count < :maxOpen)',
    ExpressionAttributeNames: {
      '#r': RESERVATION_PREFIX + reservation.id,
      '#charged': 'charged',
      '#count': 'reservationCount',
    },
    ExpressionAttributeValues: {
      ':r': {
        M: {
          size: n(reservation.size),
          k: s(reservationKeyHash(reservation.s3Key)),
          expiresAt: n(reservation.expiresAt),
        },
      },
      ':size': n(reservation.size),
      ':one': n(1),
      ':limit': n(quotaBytes - reservation.size),
      ':maxOpen': n(MAX_OPEN_RESERVATIONS),
    },
  });
}

/** Releases one reservation; false when it was already released (by its S3 event, an abort or expiry). */
export async function release(
  store: UsageStore,
  identityId: IdentityId,
  id: string,
  size?: number,
): Promise<boolean> {
  const name = RESERVATION_PREFIX + id;
  let reservedSize = size;
  if (reservedSize === undefined) {
    const open = openReservations(await readUsageItem(store, identityId)).find((r) => r.id === id);
    if (open === undefined) return false;
    reservedSize = open.size;
  }
  return updateIf(store, {
    Key: usageItemKey(identityId),
    UpdateExpression: 'REMOVE #r ADD #charged :minus, #count :minusOne',
    ConditionExpression: '#r.#size = :size',
    ExpressionAttributeNames: {
      '#r': name,
      '#size': 'size',
      '#charged': 'charged',
      '#count': 'reservationCount',
    },
    ExpressionAttributeValues: {
      ':minus': n(-reservedSize),
      ':minusOne': n(-1),
      ':size': n(reservedSize),
    },
  });
}

/** Releases the reservation `id` if it is open and was made for `s3Key`; false otherwise. */
export async function releaseIfOf(
  store: UsageStore,
  identityId: IdentityId,
  id: string,
  s3Key: string,
): Promise<boolean> {
  const open = openReservations(await readUsageItem(store, identityId)).find((r) => r.id === id);
  if (open === undefined || open.keyHash !== reservationKeyHash(s3Key)) return false;
  return release(store, identityId, id, open.size);
}

/** Whether the reservation `id` is still open. */
export async function isReserved(store: UsageStore, identityId: IdentityId, id: string): Promise<boolean> {
  return openReservations(await readUsageItem(store, identityId)).some((r) => r.id === id);
}

/** Releases every reservation past its expiry; returns how many it released. */
export async function releaseLapsed(
  store: UsageStore,
  identityId: IdentityId,
  now = Date.now(),
): Promise<number> {
  const lapsed = openReservations(await readUsageItem(store, identityId)).filter((r) => r.expiresAt <= now);
  const released = await Promise.all(lapsed.map((r) => release(store, identityId, r.id, r.size)));
  return released.filter(Boolean).length;
}

export async function readUsageItem(store: UsageStore, identityId: IdentityId): Promise<Item | undefined> {
  const got = await store.dynamodb.send(
    new GetItemCommand({ TableName: store.table, Key: usageItemKey(identityId), ConsistentRead: true }),
  );
  return got.Item;
}

export function openReservations(item: Item | undefined): OpenReservation[] {
  return Object.entries(item ?? {})
    .filter(([name, value]) => name.startsWith(RESERVATION_PREFIX) && value.M !== undefined)
    .map(([name, value]) => ({
      id: name.slice(RESERVATION_PREFIX.length),
      keyHash: textOf(value.M, 'k') ?? '',
      size: numberOf(value.M, 'size'),
      expiresAt: numberOf(value.M, 'expiresAt'),
    }));
}
