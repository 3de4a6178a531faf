import { HeadObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { ObjectKey } from '../files/keys';
import { isNotFound } from '../s3/errors';
import { mapConcurrently } from '../s3/pool';
import { copyVersion } from './copy-version';

export interface RestoreItem {
  /** The user key, as the caller sent it. */
  readonly key: string;
  /** Built from the caller's id (keys.ts): another user's version id names nothing here. */
  readonly objectKey: ObjectKey;
  readonly versionId: string;
}

export type RestoreResult =
  | { readonly key: string; readonly versionId: string; readonly status: 'restored'; readonly size: number }
  | { readonly key: string; readonly versionId: string; readonly status: 'notFound' | 'failed' };

/** Restores at once; S3 copies server-side, so this bounds the function's open connections, not bytes. */
const PARALLEL_RESTORES = 8;

/**
 * Brings each version back as its key's current version (items in order; a key named twice is restored
 * twice, the later item winning). A version that does not exist, is a delete marker or belongs to
 * another key is `notFound`; any other failure is `failed` for that item only, never thrown.
 */
export async function restoreVersions(
  s3: S3Client,
  bucket: string,
  items: readonly RestoreItem[],
): Promise<RestoreResult[]> {
  const byKey = new Map<string, RestoreItem[]>();
  for (const item of items) byKey.set(item.objectKey, [...(byKey.get(item.objectKey) ?? []), item]);
  // Different keys run side by side; the items of one key run in order.
  const results = new Map<RestoreItem, RestoreResult>();
  await mapConcurrently([...byKey.values()], PARALLEL_RESTORES, async (sameKey) => {
    for (const item of sameKey) results.set(item, await restoreOne(s3, bucket, item));
  });
  return items.map((item) => results.get(item) as RestoreResult);
}

async function restoreOne(s3: S3Client, bucket: string, item: RestoreItem): Promise<RestoreResult> {
  const { key, versionId } = item;
  try {
    const head = await s3.send(
      new HeadObjectCommand({ Bucket: bucket, Key: item.objectKey, VersionId: versionId }),
    );
    const size = head.ContentLength ?? 0;
    await copyVersion(s3, bucket, item.objectKey, versionId, { size, contentType: head.ContentType });
    return { key, versionId, status: 'restored', size };
  } catch (error) {
    return { key, versionId, status: isAbsentVersion(error) ? 'notFound' : 'failed' };
  }
}

/**
 * A version that is not there: 404/403 as for any missing object (s3/errors.ts), 405 for a delete marker
 * named by its id, InvalidArgument for an id S3 never issued.
 */
function isAbsentVersion(error: unknown): boolean {
  const { name, $metadata } = (error ?? {}) as { name?: unknown; $metadata?: { httpStatusCode?: unknown } };
  return isNotFound(error) || $metadata?.httpStatusCode === 405 || name === 'InvalidArgument';
}
