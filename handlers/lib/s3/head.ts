import {
  GetObjectCommand,
  HeadObjectCommand,
  type HeadObjectCommandOutput,
  type S3Client,
} from '@aws-sdk/client-s3';
import type { ObjectKey } from '../files/keys';
import { isBodilessForbidden, isNotFound } from './s3-errors';

/**
 * An object's metadata, or undefined when it does not exist (S3's 404, or the AccessDenied it gives our
 * roles for a missing key: see errors.ts). Any other failure is thrown.
 */
export async function headObject(
  s3: S3Client,
  bucket: string,
  key: ObjectKey,
): Promise<HeadObjectCommandOutput | undefined> {
  try {
    return await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
  } catch (error) {
    if (isNotFound(error)) return undefined;
    if (isBodilessForbidden(error) && (await isAbsent(s3, bucket, key))) return undefined;
    throw error;
  }
}

/**
 * After HeadObject's bodiless 403: asks for the first byte, whose error has a body and so S3's code.
 * AccessDenied or NoSuchKey is "absent"; any other error is thrown; an answer means the object exists
 * although HeadObject was refused, which is no "absent" either.
 */
async function isAbsent(s3: S3Client, bucket: string, key: ObjectKey): Promise<boolean> {
  try {
    const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key, Range: 'bytes=0-0' }));
    (object.Body as { destroy?: () => void } | undefined)?.destroy?.();
    return false;
  } catch (error) {
    if (isNotFound(error)) return true;
    throw error;
  }
}

/** Whether the object exists. */
export async function objectExists(s3: S3Client, bucket: string, key: ObjectKey): Promise<boolean> {
  return (await headObject(s3, bucket, key)) !== undefined;
}
