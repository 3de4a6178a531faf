import { ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';

/** S3's own ceiling for one ListObjectsV2 page and for one DeleteObjects call. */
export const S3_PAGE_SIZE = 1000;

/** One listed object, with the fields our callers use. */
export interface ListedObject {
  readonly key: string;
  readonly size: number;
  readonly lastModified?: Date;
}

/**
 * Every object under `prefix`, at any depth, one S3 page at a time (at most `pageSize` objects each).
 * Pages follow on from the last key seen (StartAfter), not an opaque cursor, so the caller may delete a
 * page's objects before asking for the next one. The caller must have built `prefix` with keys.ts.
 */
export async function* folderPages(
  s3: S3Client,
  bucket: string,
  prefix: string,
  pageSize = S3_PAGE_SIZE,
): AsyncGenerator<ListedObject[]> {
  let startAfter: string | undefined;
  for (;;) {
    const page = await s3.send(
      new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, MaxKeys: pageSize, StartAfter: startAfter }),
    );
    const objects = (page.Contents ?? []).flatMap((object) =>
      object.Key ? [{ key: object.Key, size: object.Size ?? 0, lastModified: object.LastModified }] : [],
    );
    if (objects.length === 0) return;
    yield objects;
    if (!page.IsTruncated) return;
    startAfter = objects[objects.length - 1]?.key;
  }
}
