import { AbortMultipartUploadCommand, type S3Client } from '@aws-sdk/client-s3';
import type { ObjectKey } from '../files/keys';
import { isNoSuchUpload } from './upload-errors';

/**
 * Aborts the multipart upload `uploadId` of `key`. An unknown, finished or foreign
 * upload id is not an error: aborting is idempotent clean-up, and the answer tells nobody whether some
 * upload id exists.
 */
export async function abortMultipart(s3: S3Client, bucket: string, key: ObjectKey, uploadId: string) {
  try {
    await s3.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId: uploadId }));
  } catch (error) {
    if (!isNoSuchUpload(error)) throw error;
  }
}
