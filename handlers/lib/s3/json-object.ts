import { PutObjectCommand, type PutObjectCommandInput, type S3Client } from '@aws-sdk/client-s3';
import type { ObjectKey } from '../files/keys';

/** A PutObject of `value` as a JSON document; add conditions (IfMatch, IfNoneMatch) to it as needed. */
export function jsonObject(bucket: string, key: ObjectKey, value: unknown): PutObjectCommandInput {
  return { Bucket: bucket, Key: key, Body: JSON.stringify(value), ContentType: 'application/json' };
}

/** Writes `value` as a JSON document, unconditionally. */
export async function putJson(s3: S3Client, bucket: string, key: ObjectKey, value: unknown): Promise<void> {
  await s3.send(new PutObjectCommand(jsonObject(bucket, key, value)));
}
