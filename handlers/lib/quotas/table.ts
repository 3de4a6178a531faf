import { createHash } from 'node:crypto';
import {
  type AttributeValue,
  type DynamoDBClient,
  UpdateItemCommand,
  type UpdateItemCommandInput,
} from '@aws-sdk/client-dynamodb';
import type { IdentityId } from '../files/keys';

/**
 * The usage table's items (its key schema: contract/usage-table.ts): per user one usage item and one ledger
 * item per file the user ever had. `user` is the identity id (the folder), `item` says which item:
 * - `usage`: bytes, files, charged (= bytes + the sizes of open reservations), reservationCount, one
 *   attribute `r_<id>` per open reservation and, while an S3 event is being applied, `d_<file hash>`;
 * - `file#<sha256 of the key>`: the file's size and the S3 sequencer of the last event applied to it.
 */
export type Item = Record<string, AttributeValue>;

export function usageItemKey(identityId: IdentityId): Item {
  return { user: { S: identityId }, item: { S: 'usage' } };
}

/** A key hashes to a fixed, short name: a sort key or attribute name could not hold every 1 KiB key. */
export function fileHash(s3Key: string): string {
  return createHash('sha256').update(s3Key, 'utf8').digest('hex');
}

export function fileItemKey(identityId: IdentityId, s3Key: string): Item {
  return { user: { S: identityId }, item: { S: `file#${fileHash(s3Key)}` } };
}

export const RESERVATION_PREFIX = 'r_';
export const APPLYING_PREFIX = 'd_';

export function numberOf(item: Item | undefined, name: string): number {
  const value = item?.[name]?.N;
  return value === undefined ? 0 : Number(value);
}

export function textOf(item: Item | undefined, name: string): string | undefined {
  return item?.[name]?.S;
}

export const n = (value: number): AttributeValue => ({ N: String(value) });
export const s = (value: string): AttributeValue => ({ S: value });

function isConditionFailure(error: unknown): boolean {
  return error instanceof Error && error.name === 'ConditionalCheckFailedException';
}

/**
 * One conditional UpdateItem on the usage table: true when written, false when its condition failed
 * (another writer got there first, or the state it expects is gone); anything else throws.
 */
export async function updateIf(
  store: { readonly dynamodb: DynamoDBClient; readonly table: string },
  input: Omit<UpdateItemCommandInput, 'TableName'>,
): Promise<boolean> {
  try {
    await store.dynamodb.send(new UpdateItemCommand({ TableName: store.table, ...input }));
    return true;
  } catch (error) {
    if (isConditionFailure(error)) return false;
    throw error;
  }
}
