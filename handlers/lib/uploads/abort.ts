import { AbortMultipartUploadCommand, type S3Client } from '@aws-sdk/client-s3';
import type { ObjectKey } from '../files/keys';
import { isNoSuchUpload } from './errors';

/**
 * Aborts the multipart upload `uploadId` of `key`: true when S3 aborted it (it was open, for this key),
 * false for S3's NoSuchUpload (an unknown or foreign upload id, another key, or an upload already
 * completed or aborted). Neither is an error for the caller: aborting is idempotent clean-up, and the
 * answer tells nobody whether some upload id exists.
 */
export async function abortMultipart(
  s3: S3Client,
  bucket: string,
  key: ObjectKey,
  uploadId: string,
): Promise<boolean> {
  try {
    await s3.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId: uploadId }));
    return true;
  } catch (error) {
    if (!isNoSuchUpload(error)) throw error;
    return false;
  }
}
