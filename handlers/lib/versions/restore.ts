import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { copyObject } from '../files/copy';
import type { ObjectKey } from '../files/keys';
import { QuotaExceededError } from '../http/errors';
import type { ReleaseHold } from '../quotas/hold';
import { provesVersionAbsent } from '../s3/absent';
import { mapConcurrently } from '../s3/pool';
import { isForbidden } from '../s3/s3-errors';

export interface RestoreItem {
  /** The user key, as the caller sent it. */
  readonly key: string;
  /** Built from the caller's id (keys.ts): another user's version id names nothing here. */
  readonly objectKey: ObjectKey;
  readonly versionId: string;
}

export type RestoreResult =
  | { readonly key: string; readonly versionId: string; readonly status: 'restored'; readonly size: number }
  | {
      readonly key: string;
      readonly versionId: string;
      readonly status: 'notFound' | 'quotaExceeded' | 'tooLarge' | 'failed';
    };

/** Holds a restore's bytes in the caller's quota before the copy (quotas/hold.ts, holdForWrite). */
export type HoldQuota = (objectKey: ObjectKey, size: number) => Promise<ReleaseHold>;

/** Restores at once; S3 copies server-side, so this bounds the function's open connections, not bytes. */
const PARALLEL_RESTORES = 8;

export interface RestoreLimits {
  /** The largest version restored: S3's CopyObject limit (5 GiB) in the handler; larger ones are `tooLarge`. */
  readonly maxBytes: number;
  /**
   * Epoch ms after which no item starts (it is `failed`, to be retried), so that the request answers
   * before API Gateway's 29 s whatever the number of items.
   */
  readonly startBy: number;
}

/**
 * Brings each version back as its key's current version (items in order; a key named twice is restored
 * twice, the later item winning). A version that does not exist, is a delete marker or belongs to
 * another key is `notFound`; one whose bytes do not fit in the caller's quota is `quotaExceeded`, one
 * above `limits.maxBytes` `tooLarge` (nothing copied); one not started by `limits.startBy` `failed`; a refusal (S3's 403 on a version its listing shows) is thrown and fails the request; any other
 * failure is `failed` for that item only.
 */
export async function restoreVersions(
  s3: S3Client,
  bucket: string,
  items: readonly RestoreItem[],
  hold: HoldQuota,
  limits: RestoreLimits,
): Promise<RestoreResult[]> {
  const byKey = new Map<string, RestoreItem[]>();
  for (const item of items) byKey.set(item.objectKey, [...(byKey.get(item.objectKey) ?? []), item]);
  // Different keys run side by side; the items of one key run in order.
  const results = new Map<RestoreItem, RestoreResult>();
  await mapConcurrently([...byKey.values()], PARALLEL_RESTORES, async (sameKey) => {
    for (const item of sameKey) results.set(item, await restoreOne(s3, bucket, item, hold, limits));
  });
  return items.map((item) => results.get(item) as RestoreResult);
}

async function restoreOne(
  s3: S3Client,
  bucket: string,
  item: RestoreItem,
  hold: HoldQuota,
  limits: RestoreLimits,
): Promise<RestoreResult> {
  const { key, versionId } = item;
  if (Date.now() > limits.startBy) return { key, versionId, status: 'failed' };
  try {
    const version = await versionInfo(s3, bucket, item);
    if (version.size > limits.maxBytes) return { key, versionId, status: 'tooLarge' };
    const releaseHold = await hold(item.objectKey, version.size);
    try {
      await copyObject(s3, bucket, { key: item.objectKey, versionId, ...version }, item.objectKey);
    } catch (error) {
      await releaseHold();
      throw error;
    }
    return { key, versionId, status: 'restored', size: version.size };
  } catch (error) {
    if (error instanceof QuotaExceededError) return { key, versionId, status: 'quotaExceeded' };
    if (isAbsentVersion(error) || (await provesVersionAbsent(s3, bucket, item.objectKey, versionId, error))) {
      return { key, versionId, status: 'notFound' };
    }
    // A refusal fails the request (500 with its request id, in the 5XX alarm), never reads as absent.
    if (isForbidden(error)) throw error;
    return { key, versionId, status: 'failed' };
  }
}

/**
 * The version's size, from its first byte: a GET, not a HEAD, so that a refusal comes with S3's error
 * code (a HEAD's 403 has no body). An empty version has no first byte (416 InvalidRange).
 */
async function versionInfo(s3: S3Client, bucket: string, item: RestoreItem): Promise<{ size: number }> {
  try {
    const first = await s3.send(
      new GetObjectCommand({
        Bucket: bucket,
        Key: item.objectKey,
        VersionId: item.versionId,
        Range: 'bytes=0-0',
      }),
    );
    await first.Body?.transformToByteArray();
    return { size: Number(/\/(\d+)$/.exec(first.ContentRange ?? '')?.[1] ?? first.ContentLength ?? 0) };
  } catch (error) {
    if ((error as { name?: unknown }).name === 'InvalidRange') return { size: 0 };
    throw error;
  }
}

/**
 * Codes S3 gives for a version that is not there: NoSuchKey/NoSuchVersion, MethodNotAllowed for a delete
 * marker named by its id, InvalidArgument for an id S3 never issued. A 403 is "absent" only when the key's
 * version listing proves it (s3/absent.ts); otherwise it is a refusal.
 */
const ABSENT = new Set(['NoSuchKey', 'NoSuchVersion', 'NotFound', 'MethodNotAllowed', 'InvalidArgument']);

function isAbsentVersion(error: unknown): boolean {
  return (
    typeof error === 'object' && error !== null && ABSENT.has(String((error as { name?: unknown }).name))
  );
}
