import { ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { MAX_KEYS_PER_CALL } from '../../../contract/s3-limits';
import { keyUnder, type ObjectKey } from '../files/keys';

/** One listed object, with the fields our callers use. */
export interface ListedObject {
  readonly key: ObjectKey;
  readonly size: number;
  readonly lastModified?: Date;
}

/**
 * Every object under `prefix`, at any depth, one S3 page at a time (at most `pageSize` objects each).
 * Pages follow on from the last key seen (StartAfter), not an opaque cursor, so the caller may delete a
 * page's objects before asking for the next one, or resume after a key handled earlier (`startAfter`). A
 * key that is not below `prefix` is left out.
 */
export async function* folderPages(
  s3: S3Client,
  bucket: string,
  prefix: ObjectKey,
  pageSize = MAX_KEYS_PER_CALL,
  after?: string,
): AsyncGenerator<ListedObject[]> {
  let startAfter = after;
  for (;;) {
    const page = await s3.send(
      new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, MaxKeys: pageSize, StartAfter: startAfter }),
    );
    const objects = (page.Contents ?? []).flatMap((object) => {
      const key = keyUnder(prefix, object.Key);
      return key ? [{ key, size: object.Size ?? 0, lastModified: object.LastModified }] : [];
    });
    if (objects.length === 0) return;
    yield objects;
    if (!page.IsTruncated) return;
    startAfter = objects[objects.length - 1]?.key;
  }
}
