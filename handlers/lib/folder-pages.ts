import { ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';

/** S3's own ceiling for one ListObjectsV2 page and for one DeleteObjects call. */
export const S3_PAGE_SIZE = 1000;

/**
 * Every object key under `prefix`, at any depth, one S3 page at a time (at most `pageSize` keys each).
 * Pages follow on from the last key seen (StartAfter), not an opaque cursor, so the caller may delete a
 * page's objects before asking for the next one. The caller must have built `prefix` with keys.ts.
 */
export async function* folderPages(
  s3: S3Client,
  bucket: string,
  prefix: string,
  pageSize = S3_PAGE_SIZE,
): AsyncGenerator<string[]> {
  let startAfter: string | undefined;
  for (;;) {
    const page = await s3.send(
      new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, MaxKeys: pageSize, StartAfter: startAfter }),
    );
    const keys = (page.Contents ?? []).flatMap((object) => (object.Key ? [object.Key] : []));
    if (keys.length === 0) return;
    yield keys;
    if (!page.IsTruncated) return;
    startAfter = keys[keys.length - 1];
  }
}
