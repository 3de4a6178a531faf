import { GetObjectCommand, type GetObjectCommandOutput, type S3Client } from '@aws-sdk/client-s3';
import {
  type IdentityId,
  isIdentityId,
  type ObjectKey,
  userFolder,
  userRecordKey,
  zipFolder,
} from '../../handlers/lib/files/keys';
import type { UserRecord } from '../../handlers/lib/http/caller-record';
import { folderPages } from '../../handlers/lib/s3/pages';

/**
 * A user's data in the bucket, found through the API's record `users/<sub>.json` (written at the user's
 * first API call: handlers/lib/http/caller-record.ts): their folder `<identityId>/`, their zip jobs
 * `zip/<identityId>/` and the plans of their multipart uploads `uploads/<identityId>/`.
 */

export interface FolderRecord {
  readonly identityId: IdentityId;
  /** When the API wrote the record: the user's first API call. */
  readonly recordedAt: Date | undefined;
}

export interface Usage {
  readonly objects: number;
  readonly bytes: number;
}

/** The user's folder, or undefined when the API has no record: the user never called it (never signed in). */
export async function readFolderRecord(
  s3: S3Client,
  bucket: string,
  sub: string,
): Promise<FolderRecord | undefined> {
  let object: GetObjectCommandOutput;
  try {
    object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: userRecordKey(sub) }));
  } catch (error) {
    // 404 only: with the operator's credentials (which may list the bucket), a 403 is a refusal.
    if ((error as Error).name === 'NoSuchKey') return undefined;
    throw error;
  }
  const record = JSON.parse((await object.Body?.transformToString()) ?? '') as Partial<UserRecord>;
  // The id becomes a prefix that `delete --purge` deletes: never trust its shape.
  if (!isIdentityId(record.identityId)) throw new Error(`${userRecordKey(sub)} names no identity id`);
  return { identityId: record.identityId, recordedAt: object.LastModified };
}

/** Objects and bytes under the user's folder, and under their zip area. */
export async function usageOf(
  s3: S3Client,
  bucket: string,
  identityId: IdentityId,
): Promise<{ files: Usage; zips: Usage }> {
  const [files, zips] = await Promise.all([
    usageUnder(s3, bucket, userFolder(identityId)),
    usageUnder(s3, bucket, zipFolder(identityId)),
  ]);
  return { files, zips };
}

async function usageUnder(s3: S3Client, bucket: string, prefix: ObjectKey): Promise<Usage> {
  let objects = 0;
  let bytes = 0;
  for await (const page of folderPages(s3, bucket, prefix)) {
    objects += page.length;
    for (const object of page) bytes += object.size;
  }
  return { objects, bytes };
}
