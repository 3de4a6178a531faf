import { DeleteObjectCommand, DeleteObjectsCommand, type S3Client } from '@aws-sdk/client-s3';
import { MAX_KEYS_PER_CALL } from '../../../contract/s3-limits';
import { InvalidKeyError } from '../http/errors';
import { folderPages } from '../s3/pages';
import { type IdentityId, type ObjectKey, s3Key, userKeyOf } from './keys';

export interface KeyError {
  readonly key: string;
  readonly code: string;
  readonly message: string;
}

export interface DeleteReport {
  /** The requested keys that are gone: a file, or a folder ("photos/") whose every file is gone. */
  readonly deleted: string[];
  /** One entry per key that failed: a requested key, or a file inside a requested folder. */
  readonly errors: KeyError[];
}

// S3's reason is not passed on: its text may name the bucket, and the caller can only retry anyway.
const NOT_DELETED = { code: 'Internal', message: 'Could not delete this key; try again.' };

/**
 * Deletes the caller's files and folders (a key ending in "/" means everything under it). A failure is
 * reported for its key and never stops the others; nothing here throws for a single key.
 * A folder is reported once, as the folder key, so the answer stays small whatever the folder holds.
 */
export async function deleteKeys(
  s3: S3Client,
  bucket: string,
  identityId: IdentityId,
  keys: readonly string[],
  batchSize = MAX_KEYS_PER_CALL,
): Promise<DeleteReport> {
  const errors: KeyError[] = [];
  const gone = new Set<string>();
  const files = new Map<string, ObjectKey>();
  const folders = new Map<string, ObjectKey>();
  for (const key of new Set(keys)) {
    try {
      (key.endsWith('/') ? folders : files).set(key, s3Key(identityId, key, 'file-or-folder'));
    } catch (error) {
      if (!(error instanceof InvalidKeyError)) throw error;
      errors.push({ key, code: error.code, message: error.message });
    }
  }

  const fileEntries = [...files];
  for (let start = 0; start < fileEntries.length; start += batchSize) {
    const batch = fileEntries.slice(start, start + batchSize);
    const failed = await failedKeys(
      s3,
      bucket,
      batch.map(([, objectKey]) => objectKey),
    );
    for (const [key, objectKey] of batch) {
      if (failed.has(objectKey)) errors.push({ key, ...NOT_DELETED });
      else gone.add(key);
    }
  }

  for (const [key, prefix] of folders) {
    try {
      let complete = true;
      for await (const page of folderPages(s3, bucket, prefix, batchSize)) {
        const pageKeys = page.map((object) => object.key);
        for (const objectKey of await failedKeys(s3, bucket, pageKeys)) {
          complete = false;
          errors.push({ key: userKeyOf(identityId, objectKey), ...NOT_DELETED });
        }
      }
      if (complete) gone.add(key);
    } catch {
      errors.push({ key, ...NOT_DELETED });
    }
  }

  return { deleted: [...new Set(keys)].filter((key) => gone.has(key)), errors };
}

/** The keys of one batch that S3 did not delete; all of them when the call itself fails. */
async function failedKeys(s3: S3Client, bucket: string, objectKeys: ObjectKey[]): Promise<Set<string>> {
  try {
    return new Set(await deleteObjects(s3, bucket, objectKeys));
  } catch {
    return new Set(objectKeys);
  }
}

/** Deletes one object; S3 answers the same whether or not it existed. */
export async function deleteObject(s3: S3Client, bucket: string, key: ObjectKey): Promise<void> {
  await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
}

/**
 * Deletes up to 1000 objects in one DeleteObjects call (quiet mode: S3 reports only failures) and
 * returns the keys S3 could not delete.
 */
export async function deleteObjects(
  s3: S3Client,
  bucket: string,
  keys: readonly ObjectKey[],
): Promise<string[]> {
  if (keys.length === 0) return [];
  const result = await s3.send(
    new DeleteObjectsCommand({
      Bucket: bucket,
      Delete: { Objects: keys.map((key) => ({ Key: key })), Quiet: true },
    }),
  );
  const asked = new Set<string>(keys);
  return (result.Errors ?? []).flatMap((error) => (error.Key && asked.has(error.Key) ? [error.Key] : []));
}
