import { paginateScan } from '@aws-sdk/client-dynamodb';
import { ListObjectVersionsCommand, type S3Client } from '@aws-sdk/client-s3';
import { MAX_KEYS_PER_CALL } from '../../../contract/s3-limits';
import { type IdentityId, isIdentityId } from '../files/keys';
import { readUsageItem, type UsageStore } from './reservations';
import { type Item, n, numberOf, updateIf, usageItemKey } from './table';

/** A user's usage as the ledger keeps it, or as S3 says it should be. */
export interface UsageTotals {
  readonly bytes: number;
  readonly currentBytes: number;
  readonly files: number;
}

export interface UserDrift {
  readonly identityId: IdentityId;
  /** What the usage item holds. */
  readonly recorded: UsageTotals;
  /** What S3 keeps: every version's bytes, the current versions' bytes, the files with one. */
  readonly kept: UsageTotals;
  /** `fixed`: the truth was written; `busy`: the usage item changed during the check, nothing written. */
  readonly outcome: 'reported' | 'fixed' | 'busy';
}

const ZERO: UsageTotals = { bytes: 0, currentBytes: 0, files: 0 };

/**
 * What S3 keeps under `prefix` (one user's folder `<identity id>/`, or every user's, `<region>:`), per
 * user, from ListObjectVersions: every version's size counts, a current one (IsLatest) is a file.
 */
export async function keptByUser(
  s3: S3Client,
  bucket: string,
  prefix: string,
): Promise<Map<IdentityId, UsageTotals>> {
  const kept = new Map<IdentityId, UsageTotals>();
  let keyMarker: string | undefined;
  let versionIdMarker: string | undefined;
  do {
    const page = await s3.send(
      new ListObjectVersionsCommand({
        Bucket: bucket,
        Prefix: prefix,
        MaxKeys: MAX_KEYS_PER_CALL,
        KeyMarker: keyMarker,
        VersionIdMarker: versionIdMarker,
      }),
    );
    for (const version of page.Versions ?? []) {
      const key = version.Key ?? '';
      const identityId = key.slice(0, key.indexOf('/'));
      if (!isIdentityId(identityId)) continue;
      const size = version.Size ?? 0;
      const latest = version.IsLatest === true;
      const sum = kept.get(identityId) ?? ZERO;
      kept.set(identityId, {
        bytes: sum.bytes + size,
        currentBytes: sum.currentBytes + (latest ? size : 0),
        files: sum.files + (latest ? 1 : 0),
      });
    }
    keyMarker = page.IsTruncated ? page.NextKeyMarker : undefined;
    versionIdMarker = page.IsTruncated ? page.NextVersionIdMarker : undefined;
  } while (keyMarker !== undefined);
  return kept;
}

/** Every user with a usage item (a Scan of the usage items only: the operator's and the daily check's). */
export async function usersWithUsage(store: UsageStore): Promise<IdentityId[]> {
  const users: IdentityId[] = [];
  const pages = paginateScan(
    { client: store.dynamodb },
    {
      TableName: store.table,
      FilterExpression: '#item = :usage',
      ProjectionExpression: '#user',
      ExpressionAttributeNames: { '#item': 'item', '#user': 'user' },
      ExpressionAttributeValues: { ':usage': { S: 'usage' } },
    },
  );
  // A usage item's user is the identity id its events were recorded for (ledger.ts).
  for await (const page of pages)
    for (const item of page.Items ?? []) if (isIdentityId(item.user?.S)) users.push(item.user.S);
  return users;
}

const totalsOf = (item: Item | undefined): UsageTotals => ({
  bytes: numberOf(item, 'bytes'),
  currentBytes: numberOf(item, 'currentBytes'),
  files: numberOf(item, 'files'),
});

const same = (a: UsageTotals, b: UsageTotals) =>
  a.bytes === b.bytes && a.currentBytes === b.currentBytes && a.files === b.files;

/**
 * Compares the users' usage items with what S3 keeps under `prefix` (`identityIds`: those to check,
 * each of whose folders must be under it) and returns the users whose usage drifted. With `fix`, each
 * drifted user's totals become S3's, in one conditional UpdateItem that fails if any event was applied
 * since the item was read; a user whose item changed while S3 was listed is `busy` and left alone.
 */
export async function reconcileUsage(
  store: UsageStore,
  s3: S3Client,
  bucket: string,
  prefix: string,
  identityIds: readonly IdentityId[] | 'all',
  fix: boolean,
): Promise<UserDrift[]> {
  const users = identityIds === 'all' ? undefined : new Set(identityIds);
  const before = new Map<IdentityId, UsageTotals>();
  const readAll = async (ids: Iterable<IdentityId>, into: Map<IdentityId, UsageTotals>) => {
    for (const id of ids) into.set(id, totalsOf(await readUsageItem(store, id)));
  };
  if (users !== undefined) await readAll(users, before);
  else await readAll(await usersWithUsage(store), before);
  const kept = await keptByUser(s3, bucket, prefix);
  const checked = users ?? new Set([...before.keys(), ...kept.keys()]);
  const drifts: UserDrift[] = [];
  for (const identityId of checked) {
    const truth = kept.get(identityId) ?? ZERO;
    const recorded = totalsOf(await readUsageItem(store, identityId));
    if (same(recorded, truth)) continue;
    // Changed while S3 was listed: an event was applied, the listing may be behind or ahead of it.
    const earlier = before.get(identityId);
    if (earlier !== undefined && !same(earlier, recorded)) {
      drifts.push({ identityId, recorded, kept: truth, outcome: 'busy' });
      continue;
    }
    const written = fix && (await writeTruth(store, identityId, recorded, truth));
    drifts.push({
      identityId,
      recorded,
      kept: truth,
      outcome: written ? 'fixed' : fix ? 'busy' : 'reported',
    });
  }
  return drifts;
}

/** Sets the totals to `truth` (and `charged` by the same bytes) if they are still `recorded`. */
async function writeTruth(
  store: UsageStore,
  identityId: IdentityId,
  recorded: UsageTotals,
  truth: UsageTotals,
): Promise<boolean> {
  const fields = ['bytes', 'currentBytes', 'files'] as const;
  // An absent attribute reads as 0 (numberOf), so "still 0" is "absent or 0".
  const condition = fields
    .map((field) =>
      recorded[field] === 0
        ? `(attribute_not_exists(#${field}) OR #${field} = :was_${field})`
        : `#${field} = :was_${field}`,
    )
    .join(' AND ');
  return updateIf(store, {
    Key: usageItemKey(identityId),
    UpdateExpression:
      'SET #bytes = :bytes, #currentBytes = :currentBytes, #files = :files ADD #charged :delta',
    ConditionExpression: condition,
    ExpressionAttributeNames: {
      '#bytes': 'bytes',
      '#currentBytes': 'currentBytes',
      '#files': 'files',
      '#charged': 'charged',
    },
    ExpressionAttributeValues: {
      ':bytes': n(truth.bytes),
      ':currentBytes': n(truth.currentBytes),
      ':files': n(truth.files),
      ':delta': n(truth.bytes - recorded.bytes),
      ...Object.fromEntries(fields.map((field) => [`:was_${field}`, n(recorded[field])])),
    },
  });
}
