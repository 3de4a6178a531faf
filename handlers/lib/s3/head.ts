import { HeadObjectCommand, type HeadObjectCommandOutput, type S3Client } from '@aws-sdk/client-s3';
import type { ObjectKey } from '../files/keys';
import { provesAbsent } from './absent';

/**
 * An object's metadata, or undefined when it does not exist: S3's 404, or a 403 that a listing of the key
 * proves to be a missing key (absent.ts). Any other failure, a refusal included, is thrown.
 */
export async function headObject(
  s3: S3Client,
  bucket: string,
  key: ObjectKey,
): Promise<HeadObjectCommandOutput | undefined> {
  try {
    return await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
  } catch (error) {
    if (await provesAbsent(s3, bucket, key, error)) return undefined;
    throw error;
  }
}

/** Whether the object exists. */
export async function objectExists(s3: S3Client, bucket: string, key: ObjectKey): Promise<boolean> {
  return (await headObject(s3, bucket, key)) !== undefined;
}
