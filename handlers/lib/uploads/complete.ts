import { CompleteMultipartUploadCommand, HeadObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { ObjectKey } from '../files/keys';
import { unquoteEtag } from '../s3/etag';
import type { CompletedPart } from './fields';
import { multipartError } from './upload-errors';

export interface CompletedUpload {
  readonly size: number;
  readonly etag: string;
}

/**
 * Completes the multipart upload `uploadId` of `key` (built from the caller's identity, so an upload id
 * of another key, another user's included, is S3's NoSuchUpload → 404).
 */
export async function completeMultipart(
  s3: S3Client,
  bucket: string,
  key: ObjectKey,
  uploadId: string,
  parts: CompletedPart[],
): Promise<CompletedUpload> {
  try {
    await s3.send(
      new CompleteMultipartUploadCommand({
        Bucket: bucket,
        Key: key,
        UploadId: uploadId,
        MultipartUpload: { Parts: parts },
      }),
    );
  } catch (error) {
    throw multipartError(error);
  }
  // CompleteMultipartUpload does not report the size; HEAD reports both from the stored object.
  const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
  return { size: head.ContentLength ?? 0, etag: unquoteEtag(head.ETag ?? '') };
}
