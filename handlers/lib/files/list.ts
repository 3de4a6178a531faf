import type { S3Client } from '@aws-sdk/client-s3';
import { unquoteEtag } from '../s3/etag';
import { listPage } from './cursor';
import { type IdentityId, s3Key, userKeyOf } from './keys';

export interface FileEntry {
  readonly key: string;
  readonly size: number;
  readonly lastModified: string;
  readonly etag: string;
}

export interface FolderPage {
  readonly files: FileEntry[];
  readonly folders: string[];
  readonly nextCursor: string | null;
}

export interface ListOptions {
  /** A folder relative to the caller's own: "" or ending in "/". */
  readonly prefix: string;
  readonly cursor?: string;
  readonly limit: number;
}

/** One level of the caller's folder: files, and sub-folders rolled up on "/". */
export async function listFolder(
  s3: S3Client,
  bucket: string,
  identityId: IdentityId,
  options: ListOptions,
): Promise<FolderPage> {
  const prefix = s3Key(identityId, options.prefix, 'folder');
  const page = await listPage(
    s3,
    { Bucket: bucket, Prefix: prefix, Delimiter: '/', MaxKeys: options.limit },
    options.cursor,
  );
  // S3 filters by Prefix whatever the token says; userKeyOf re-checks that every key is the caller's.
  return {
    files: (page.Contents ?? []).map((object) => ({
      key: userKeyOf(identityId, object.Key ?? ''),
      size: object.Size ?? 0,
      lastModified: (object.LastModified ?? new Date(0)).toISOString(),
      etag: unquoteEtag(object.ETag),
    })),
    folders: (page.CommonPrefixes ?? []).map((folder) => userKeyOf(identityId, folder.Prefix ?? '')),
    nextCursor: page.nextCursor,
  };
}
