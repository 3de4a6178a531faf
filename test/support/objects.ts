import {
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
} from '@aws-sdk/client-s3';
import type { S3Server } from '../../devtools/local-s3';
import type { ObjectKey } from '../../handlers/lib/files/keys';

/** Writes one object straight to the test server, bypassing the handlers. */
export async function putObject(s3: S3Server, key: string, body: string | Buffer): Promise<void> {
  await s3.client.send(new PutObjectCommand({ Bucket: s3.bucket, Key: key, Body: body }));
}

/** An object's bytes and Content-Type as the server holds them. */
export async function getObject(s3: S3Server, key: string): Promise<{ bytes: Buffer; contentType?: string }> {
  const object = await s3.client.send(new GetObjectCommand({ Bucket: s3.bucket, Key: key }));
  if (!object.Body) throw new Error(`No body for ${key}`);
  return { bytes: Buffer.from(await object.Body.transformToByteArray()), contentType: object.ContentType };
}

/** Every key under a prefix, sorted (the test objects are few: one page). */
export async function keysUnder(s3: S3Server, prefix: string): Promise<string[]> {
  const page = await s3.client.send(new ListObjectsV2Command({ Bucket: s3.bucket, Prefix: prefix }));
  return (page.Contents ?? []).map((object) => object.Key ?? '').sort();
}

/** Whether the server holds an object at `key` (a 404 is "no"; any other failure fails the test). */
export async function objectExists(s3: S3Server, key: string): Promise<boolean> {
  try {
    await s3.client.send(new HeadObjectCommand({ Bucket: s3.bucket, Key: key }));
    return true;
  } catch (error) {
    if ((error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404)
      return false;
    throw error;
  }
}

/** A key the test itself chose, as the engine takes it: tests own their bucket, no user's key is involved. */
export function objectKey(key: string): ObjectKey {
  return key as ObjectKey;
}
