import { ListObjectVersionsCommand, type S3Client } from '@aws-sdk/client-s3';
import { MAX_KEYS_PER_CALL } from '../../../contract/s3-limits';
import { decodeCursor, encodeCursor, invalidCursor } from '../files/cursor';
import { type IdentityId, s3Key, userKeyOf } from '../files/keys';

export interface DeletedFile {
  readonly key: string;
  /** Bytes of the version a restore brings back. */
  readonly size: number;
  /** When the newest delete marker was made. */
  readonly deletedAt: string;
  /** The version POST /files/restore takes: the newest version that is not a delete marker. */
  readonly versionId: string;
}

export interface DeletedPage {
  readonly items: DeletedFile[];
  readonly nextCursor?: string;
}

export interface DeletedOptions {
  /** A folder relative to the caller's own: "" or ending in "/"; listed at every depth. */
  readonly prefix: string;
  readonly cursor?: string;
  readonly limit: number;
  /** Versions per S3 listing (tests page with a few). @default MAX_KEYS_PER_CALL */
  readonly versionsPerListing?: number;
}

/**
 * S3 listings per request: enough to fill a page past keys with many versions, few enough to answer well
 * within API Gateway's 29 s. A page may hold fewer items than `limit` and still have a next cursor.
 */
const MAX_LISTINGS = 5;

/** One key's state while its versions stream past, newest first. */
interface Pending {
  readonly key: string;
  /** Set by the first entry: the newest is a delete marker. */
  readonly deleted: boolean;
  readonly deletedAt?: Date;
}

/**
 * The caller's files under `prefix` whose newest version is a delete marker and that still have an older
 * version to restore, in key order. ListObjectVersions streams every version of each key, newest first;
 * a key is decided at its first entry (not deleted) or at its first non-marker version (deleted, and
 * restorable from that version). The cursor names the last decided key: S3's key-marker resumes after
 * every version of it, so a page never splits a key's decision. Bound to the S3 prefix like GET /files'.
 */
export async function listDeleted(
  s3: S3Client,
  bucket: string,
  identityId: IdentityId,
  options: DeletedOptions,
): Promise<DeletedPage> {
  const prefix = s3Key(identityId, options.prefix, 'folder');
  const startMarker = options.cursor === undefined ? undefined : decodeCursor(prefix, options.cursor);
  if (startMarker !== undefined && !startMarker.startsWith(prefix)) throw invalidCursor();
  let keyMarker = startMarker;
  let versionIdMarker: string | undefined;
  const items: DeletedFile[] = [];
  let pending: Pending | undefined;
  let lastDecided = keyMarker;
  let decided = new Set<string>();

  for (let listing = 0; listing < MAX_LISTINGS; listing++) {
    const page = await s3.send(
      new ListObjectVersionsCommand({
        Bucket: bucket,
        Prefix: prefix,
        KeyMarker: keyMarker,
        VersionIdMarker: versionIdMarker,
        MaxKeys: options.versionsPerListing ?? MAX_KEYS_PER_CALL,
      }),
    );
    // The SDK splits versions and delete markers; S3 lists them in one order, which this restores.
    const entries = [
      ...(page.Versions ?? []).map((v) => ({ ...v, marker: false })),
      ...(page.DeleteMarkers ?? []).map((m) => ({ ...m, marker: true, Size: undefined })),
    ].filter((entry) => entry.Key?.startsWith(prefix) && entry.VersionId !== undefined);
    entries.sort((a, b) => compareEntries(a, b));
    for (const entry of entries) {
      const key = entry.Key as string;
      if (decided.has(key)) continue;
      if (pending?.key !== key) {
        // A key that showed only delete markers: nothing left to restore.
        if (pending) lastDecided = pending.key;
        pending = { key, deleted: entry.marker, deletedAt: entry.LastModified };
        if (!entry.marker) {
          decided.add(key);
          lastDecided = key;
        }
        continue;
      }
      if (!pending.deleted || entry.marker) continue;
      decided.add(key);
      lastDecided = key;
      items.push({
        key: userKeyOf(identityId, key),
        size: entry.Size ?? 0,
        deletedAt: (pending.deletedAt ?? new Date(0)).toISOString(),
        versionId: entry.VersionId as string,
      });
      if (items.length >= options.limit) return { items, nextCursor: encodeCursor(prefix, key) };
    }
    if (!page.IsTruncated) return { items };
    keyMarker = page.NextKeyMarker;
    versionIdMarker = page.NextVersionIdMarker;
    // Keys before the marker are behind us: only the marker's key can still show up.
    decided = new Set([...decided].filter((key) => key === keyMarker));
  }
  // Only delete markers of one key filled every listing: skip that key rather than ask for it again.
  const resumeAfter = lastDecided === startMarker ? (pending?.key ?? lastDecided) : lastDecided;
  return resumeAfter === undefined ? { items } : { items, nextCursor: encodeCursor(prefix, resumeAfter) };
}

/** S3's listing order: keys by UTF-8 bytes, each key's entries newest first. */
function compareEntries(
  a: { Key?: string; IsLatest?: boolean; LastModified?: Date },
  b: { Key?: string; IsLatest?: boolean; LastModified?: Date },
): number {
  const byKey = Buffer.compare(Buffer.from(a.Key ?? ''), Buffer.from(b.Key ?? ''));
  if (byKey !== 0) return byKey;
  if (a.IsLatest !== b.IsLatest) return a.IsLatest ? -1 : 1;
  return (b.LastModified?.getTime() ?? 0) - (a.LastModified?.getTime() ?? 0);
}
