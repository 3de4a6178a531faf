import type { S3Client } from '@aws-sdk/client-s3';
import { MAX_KEY_BYTES, MAX_SINGLE_PUT_BYTES } from '../../../contract/s3-limits';
import { type CopySource, copyObject } from '../files/copy';
import { deleteObject, deleteObjects, type KeyError } from '../files/delete';
import { type IdentityId, keyIn, type ObjectKey, userKeyOf } from '../files/keys';
import { ConflictError, NotFoundError, QuotaExceededError } from '../http/errors';
import type { ReleaseHold } from '../quotas/hold';
import { headObject } from '../s3/head';
import { folderPages, type ListedObject } from '../s3/pages';
import { mapConcurrently } from '../s3/pool';
import { isNotFound } from '../s3/s3-errors';
import type { TransferKeys, TransferOperation } from './request';

/** Where a transfer runs: the caller's folder-scoped client, and for a copy the quota hold of each file. */
export interface TransferTarget {
  readonly s3: S3Client;
  readonly bucket: string;
  readonly identityId: IdentityId;
  /** Holds a copy's bytes before it is made (quotas/hold.ts); a move adds no bytes and holds none. */
  readonly hold?: (destination: ObjectKey, size: number) => Promise<ReleaseHold>;
}

export interface TransferProgress {
  readonly filesDone: number;
  readonly bytesDone: number;
  readonly filesFailed: number;
  /** The first MAX_REPORTED_ERRORS failures, by user key. */
  readonly errors: readonly KeyError[];
  /** The last source key handled, in S3's listing order: a job's next run starts after it. */
  readonly after?: string;
}

export const NO_PROGRESS: TransferProgress = { filesDone: 0, bytesDone: 0, filesFailed: 0, errors: [] };

/** Failures reported key by key; the rest are only counted, so a status stays small. */
export const MAX_REPORTED_ERRORS = 100;
/** Copies at once: S3 copies server-side, so this bounds open connections, not bytes. */
const PARALLEL_COPIES = 8;
/**
 * Files per page, and so between two progress records: small enough that a worker run checks its time
 * left often (a page of 5 GiB copies takes minutes), large enough to keep listings few.
 */
const PAGE_FILES = 100;
const EXISTS = 'A file exists at the destination: ask again with "overwrite": true to replace it.';

/**
 * One file: copied (and for a move its source deleted once the copy exists). NotFound when there is no
 * such file, Conflict when one exists at the destination and `overwrite` is false (checked by S3 itself,
 * If-None-Match, so a file written in between is not replaced either), QuotaExceeded for a copy that does
 * not fit.
 */
export async function transferFile(
  target: TransferTarget,
  operation: TransferOperation,
  keys: TransferKeys,
  overwrite: boolean,
): Promise<TransferProgress> {
  const head = await headObject(target.s3, target.bucket, keys.from);
  if (head === undefined) throw new NotFoundError('No such file.');
  const source = {
    key: keys.from,
    size: head.ContentLength ?? 0,
    contentType: head.ContentType,
    etag: head.ETag,
  };
  try {
    await copyOne(target, source, keys.to, overwrite);
  } catch (error) {
    if (isWriteConflict(error)) throw new ConflictError(EXISTS);
    throw error;
  }
  if (operation === 'move') await deleteObject(target.s3, target.bucket, keys.from);
  return { ...NO_PROGRESS, filesDone: 1, bytesDone: source.size };
}

/**
 * A folder's files, page by page in S3's order from after `progress.after`, each to the same relative
 * key under `keys.to`; a move deletes each page's copied sources. A file that fails is reported by its
 * key and never stops the others. After each page `pageDone` gets the progress so far and answers
 * whether to go on; `complete` is false when it stopped.
 */
export async function transferFolder(
  target: TransferTarget,
  operation: TransferOperation,
  keys: TransferKeys,
  overwrite: boolean,
  progress: TransferProgress,
  pageDone: (progress: TransferProgress) => Promise<boolean> = async () => true,
): Promise<{ progress: TransferProgress; complete: boolean }> {
  let current = progress;
  for await (const page of folderPages(target.s3, target.bucket, keys.from, PAGE_FILES, progress.after)) {
    const failures = await mapConcurrently(page, PARALLEL_COPIES, (object) =>
      copyListed(target, object, keys, overwrite),
    );
    const errors: KeyError[] = [];
    const copied: ListedObject[] = [];
    page.forEach((object, i) => {
      const failure = failures[i];
      if (failure === undefined) copied.push(object);
      else errors.push({ key: userKeyOf(target.identityId, object.key), ...failure });
    });
    if (operation === 'move') {
      const kept = new Set(
        await deleteSources(
          target,
          copied.map((object) => object.key),
        ),
      );
      for (const key of kept) errors.push({ key: userKeyOf(target.identityId, key), ...NOT_REMOVED });
    }
    current = {
      filesDone: current.filesDone + copied.length,
      bytesDone: current.bytesDone + copied.reduce((sum, object) => sum + object.size, 0),
      filesFailed: current.filesFailed + errors.length,
      errors: [...current.errors, ...errors].slice(0, MAX_REPORTED_ERRORS),
      after: page[page.length - 1]?.key,
    };
    if (!(await pageDone(current))) return { progress: current, complete: false };
  }
  return { progress: current, complete: true };
}

/** A folder's file: undefined when copied, else why not (never thrown: one file never stops the others). */
async function copyListed(
  target: TransferTarget,
  object: ListedObject,
  keys: TransferKeys,
  overwrite: boolean,
): Promise<Omit<KeyError, 'key'> | undefined> {
  const destination = keyIn(keys.to, object.key.slice(keys.from.length));
  if (Buffer.byteLength(destination, 'utf8') > MAX_KEY_BYTES)
    return { code: 'InvalidKey', message: `The new key would pass ${MAX_KEY_BYTES} bytes with your folder.` };
  try {
    // A multipart copy needs the content type (CopyObject keeps it by itself) and the ETag its parts check.
    const head =
      object.size > MAX_SINGLE_PUT_BYTES ? await headObject(target.s3, target.bucket, object.key) : undefined;
    const source = { key: object.key, size: object.size, contentType: head?.ContentType, etag: head?.ETag };
    await copyOne(target, source, destination, overwrite);
    return undefined;
  } catch (error) {
    if (error instanceof QuotaExceededError) return { code: error.code, message: error.message };
    if (isWriteConflict(error)) return { code: 'Conflict', message: EXISTS };
    if (isNotFound(error)) return { code: 'NotFound', message: 'The file was removed before it was copied.' };
    // S3's reason is not passed on: its text may name the bucket, and the caller can only retry anyway.
    return { code: 'Internal', message: 'Could not copy this file; try again.' };
  }
}

const NOT_REMOVED = {
  code: 'Internal',
  message: 'Copied, but the original could not be removed; try again.',
};

async function deleteSources(target: TransferTarget, keys: ObjectKey[]): Promise<string[]> {
  try {
    return await deleteObjects(target.s3, target.bucket, keys);
  } catch {
    return keys;
  }
}

async function copyOne(
  target: TransferTarget,
  source: CopySource,
  destination: ObjectKey,
  overwrite: boolean,
): Promise<void> {
  const release = await target.hold?.(destination, source.size);
  try {
    await copyObject(target.s3, target.bucket, source, destination, { createOnly: !overwrite });
  } catch (error) {
    await release?.();
    throw error;
  }
}

/**
 * S3 refused to replace an object under If-None-Match: 412 PreconditionFailed, or 409
 * ConditionalRequestConflict when another write of the key was in flight.
 */
function isWriteConflict(error: unknown): boolean {
  const name = (error as { name?: unknown } | null)?.name;
  return name === 'PreconditionFailed' || name === 'ConditionalRequestConflict';
}
