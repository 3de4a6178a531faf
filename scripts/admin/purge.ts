import { DeleteIdentitiesCommand } from '@aws-sdk/client-cognito-identity';
import { type AttributeValue, DeleteItemCommand, paginateQuery } from '@aws-sdk/client-dynamodb';
import {
  AbortMultipartUploadCommand,
  DeleteObjectsCommand,
  ListMultipartUploadsCommand,
  ListObjectVersionsCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { uploadPlanFolder, userFolder, userRecordKey, zipFolder } from '../../handlers/lib/files/keys';
import type { Target } from './target';
import type { FolderRecord } from './user-data';

/**
 * `users delete --purge`: erases everything of a user that lockbox stores (docs/admin.md). The bucket
 * is versioned, so every version and delete marker goes by its version id (a delete without one only
 * adds a marker and keeps the bytes). Each step removes what is left of its part, so a purge that
 * failed halfway can be run again; the record, which names the user's identity id, goes last but one,
 * and the user last.
 */

/** What one prefix (or the record's key) held: versions (bytes) and delete markers, all removed. */
export interface ErasedArea {
  readonly prefix: string;
  readonly versions: number;
  readonly deleteMarkers: number;
}

export interface PurgeReport {
  /** The user's folder, zip area and upload plans (empty without a record), then the record. */
  readonly areas: readonly ErasedArea[];
  readonly uploadsAborted: number;
  /** Items of the usage table under the user's identity id: usage, ledger, tombstones. */
  readonly usageItems: number;
  /** The identity id deleted from the identity pool (undefined without a record). */
  readonly identityDeleted: string | undefined;
}

export interface PurgeOptions {
  /**
   * How long the usage table must stay empty of the user's items before the purge goes on: the usage
   * recorder applies the S3 events of the purge's own deletes a moment later. @default 5000
   */
  readonly usageQuietMs?: number;
  /** The longest wait for that quiet; past it the purge fails, to be run again. @default 120000 */
  readonly usageSettleMaxMs?: number;
}

export async function purgeUserData(
  target: Target,
  sub: string,
  record: FolderRecord | undefined,
  options: PurgeOptions = {},
): Promise<PurgeReport> {
  const { s3 } = target;
  const bucket = target.config.bucket_name;
  const areas: ErasedArea[] = [];
  let uploadsAborted = 0;
  let usageItems = 0;
  if (record !== undefined) {
    const { identityId } = record;
    // Uploads first: an open upload would add a version once completed.
    for (const prefix of [userFolder(identityId), zipFolder(identityId)]) {
      uploadsAborted += await abortUploads(s3, bucket, prefix);
    }
    for (const prefix of [userFolder(identityId), zipFolder(identityId), uploadPlanFolder(identityId)]) {
      areas.push(await eraseVersions(s3, bucket, prefix, (key) => key.startsWith(prefix)));
    }
    // After the objects: their S3 events reach the usage recorder, which writes the user's items again.
    usageItems = await deleteUsageItems(target.usageTable, identityId, options);
    await deleteIdentity(target, identityId);
  }
  const recordKey = userRecordKey(sub);
  areas.push(await eraseVersions(s3, bucket, recordKey, (key) => key === recordKey));
  return { areas, uploadsAborted, usageItems, identityDeleted: record?.identityId };
}

/**
 * Deletes every version and delete marker whose key `matches`, listing `prefix` again from its start
 * after each page's delete, so versions written meanwhile go too.
 */
async function eraseVersions(
  s3: S3Client,
  bucket: string,
  prefix: string,
  matches: (key: string) => boolean,
): Promise<ErasedArea> {
  let versions = 0;
  let deleteMarkers = 0;
  for (;;) {
    const page = await s3.send(new ListObjectVersionsCommand({ Bucket: bucket, Prefix: prefix }));
    const listed = (entries: typeof page.Versions) =>
      (entries ?? []).filter((entry) => entry.Key !== undefined && matches(entry.Key));
    const found = listed(page.Versions);
    const markers = listed(page.DeleteMarkers);
    const objects = [...found, ...markers].map(({ Key, VersionId }) => ({ Key, VersionId }));
    if (objects.length === 0) return { prefix, versions, deleteMarkers };
    const answer = await s3.send(
      new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: objects, Quiet: true } }),
    );
    if ((answer.Errors ?? []).length > 0) {
      const codes = [...new Set(answer.Errors?.map((error) => error.Code))].join(', ');
      throw new Error(
        `S3 did not delete ${answer.Errors?.length} version(s) under ${prefix} (${codes}): run it again`,
      );
    }
    versions += found.length;
    deleteMarkers += markers.length;
  }
}

async function abortUploads(s3: S3Client, bucket: string, prefix: string): Promise<number> {
  let aborted = 0;
  let keyMarker: string | undefined;
  let uploadIdMarker: string | undefined;
  do {
    const page = await s3.send(
      new ListMultipartUploadsCommand({
        Bucket: bucket,
        Prefix: prefix,
        KeyMarker: keyMarker,
        UploadIdMarker: uploadIdMarker,
      }),
    );
    for (const upload of page.Uploads ?? []) {
      if (!upload.Key?.startsWith(prefix)) continue;
      await s3.send(
        new AbortMultipartUploadCommand({ Bucket: bucket, Key: upload.Key, UploadId: upload.UploadId }),
      );
      aborted++;
    }
    keyMarker = page.IsTruncated ? page.NextKeyMarker : undefined;
    uploadIdMarker = page.IsTruncated ? page.NextUploadIdMarker : undefined;
  } while (keyMarker !== undefined);
  return aborted;
}

/**
 * Deletes the user's items (partition key = identity id) until none has appeared for `usageQuietMs`:
 * the events of the objects just deleted are applied by the usage recorder shortly after, and each
 * writes a tombstone and the usage item back.
 */
async function deleteUsageItems(
  table: Target['usageTable'],
  identityId: string,
  options: PurgeOptions,
): Promise<number> {
  const quietMs = options.usageQuietMs ?? 5000;
  const deadline = Date.now() + (options.usageSettleMaxMs ?? 120_000);
  let deleted = 0;
  let lastSeen = Date.now();
  for (;;) {
    const keys = await usageItemKeys(table, identityId);
    for (const Key of keys) await table.dynamodb.send(new DeleteItemCommand({ TableName: table.table, Key }));
    deleted += keys.length;
    const now = Date.now();
    if (keys.length > 0) lastSeen = now;
    else if (now - lastSeen >= quietMs) return deleted;
    if (now > deadline) {
      throw new Error(`The usage recorder still writes items of ${identityId}: run the purge again later`);
    }
    await new Promise((resolve) => setTimeout(resolve, Math.min(500, quietMs)));
  }
}

type ItemKey = Record<string, AttributeValue>;

async function usageItemKeys(table: Target['usageTable'], identityId: string): Promise<ItemKey[]> {
  const keys: ItemKey[] = [];
  const pages = paginateQuery(
    { client: table.dynamodb },
    {
      TableName: table.table,
      KeyConditionExpression: '#user = :user',
      ProjectionExpression: '#user, #item',
      ExpressionAttributeNames: { '#user': 'user', '#item': 'item' },
      ExpressionAttributeValues: { ':user': { S: identityId } },
    },
  );
  for await (const page of pages) keys.push(...(page.Items ?? []));
  return keys;
}

/** DeleteIdentities answers the ids it could not delete in its body, not as an error. */
async function deleteIdentity(target: Target, identityId: string): Promise<void> {
  const answer = await target.identities.send(
    new DeleteIdentitiesCommand({ IdentityIdsToDelete: [identityId] }),
  );
  const refused = answer.UnprocessedIdentityIds?.[0];
  if (refused !== undefined) {
    throw new Error(`The identity pool did not delete ${identityId} (${refused.ErrorCode}): run it again`);
  }
}
