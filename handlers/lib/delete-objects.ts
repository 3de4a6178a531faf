import { DeleteObjectCommand, DeleteObjectsCommand, type S3Client } from '@aws-sdk/client-s3';

/** Deletes one object; S3 answers the same whether or not it existed. */
export async function deleteObject(s3: S3Client, bucket: string, key: string): Promise<void> {
  await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
}

/**
 * Deletes up to 1000 objects in one DeleteObjects call (quiet mode: S3 reports only failures) and
 * returns the keys S3 could not delete. The caller must have built every key with keys.ts.
 */
export async function deleteObjects(
  s3: S3Client,
  bucket: string,
  keys: readonly string[],
): Promise<string[]> {
  if (keys.length === 0) return [];
  const result = await s3.send(
    new DeleteObjectsCommand({
      Bucket: bucket,
      Delete: { Objects: keys.map((key) => ({ Key: key })), Quiet: true },
    }),
  );
  const asked = new Set(keys);
  return (result.Errors ?? []).flatMap((error) => (error.Key && asked.has(error.Key) ? [error.Key] : []));
}
