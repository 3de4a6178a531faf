import { CreateMultipartUploadCommand } from '@aws-sdk/client-s3';
import type { ObjectKey } from '../files/keys';
import { expiresAt, PRESIGNED_URL_SECONDS } from '../files/presign';
import { PayloadTooLargeError } from '../http/errors';
import type { UploadDeps } from '../wiring/deps';
import { planParts, type UploadLimits } from './limits';
import { presignParts, presignPut } from './presign';

export interface UploadRequest {
  readonly s3Key: ObjectKey;
  readonly size: number;
  readonly contentType: string;
  /** The file's CRC-32 as S3 writes it (base64): the single PUT must then carry exactly this checksum. */
  readonly crc32?: string;
}

export interface SingleUpload {
  readonly type: 'single';
  readonly url: string;
  readonly method: 'PUT';
  /** Exactly the headers the client sends with the PUT (Content-Length comes from the body itself). */
  readonly headers: Record<string, string>;
  readonly expiresAt: string;
}

export interface MultipartUpload {
  readonly type: 'multipart';
  readonly uploadId: string;
  readonly partSize: number;
  readonly parts: { partNumber: number; url: string }[];
  readonly expiresAt: string;
}

/**
 * Starts an upload of `size` bytes straight to S3: one presigned PUT up to the multipart threshold,
 * otherwise a multipart upload (its content type and CRC-32 checksum type fixed now) with one presigned
 * URL per part.
 */
export async function startUpload(
  deps: Pick<UploadDeps, 's3' | 'presigner' | 'bucket'>,
  limits: UploadLimits,
  request: UploadRequest,
): Promise<SingleUpload | MultipartUpload> {
  const { s3, presigner, bucket } = deps;
  if (request.size > limits.maxFileBytes) {
    throw new PayloadTooLargeError(`A file may be at most ${limits.maxFileBytes} bytes.`);
  }
  // Whole seconds, as in X-Amz-Date, so that `expiresAt` is exactly when S3 starts refusing the URLs.
  const signingDate = new Date(Math.floor(Date.now() / 1000) * 1000);
  if (request.size <= limits.multipartThresholdBytes) {
    return {
      type: 'single',
      url: await presignPut(presigner, bucket, request, signingDate),
      method: 'PUT',
      headers: {
        'Content-Type': request.contentType,
        ...(request.crc32 === undefined ? {} : { 'x-amz-checksum-crc32': request.crc32 }),
      },
      expiresAt: expiresAt(PRESIGNED_URL_SECONDS, signingDate.getTime()),
    };
  }
  const created = await s3.send(
    new CreateMultipartUploadCommand({
      Bucket: bucket,
      Key: request.s3Key,
      ContentType: request.contentType,
      // S3 combines the parts' CRC-32s into the whole file's, which lets the zip worker copy the file
      // within S3. A FULL_OBJECT upload needs no checksum on the parts (a COMPOSITE one would).
      ChecksumAlgorithm: 'CRC32',
      ChecksumType: 'FULL_OBJECT',
    }),
  );
  if (!created.UploadId) throw new Error('CreateMultipartUpload returned no upload id');
  const plan = planParts(request.size, limits.partBytes);
  return {
    type: 'multipart',
    uploadId: created.UploadId,
    partSize: plan.partSize,
    parts: await presignParts(presigner, bucket, request.s3Key, created.UploadId, plan.parts, signingDate),
    expiresAt: expiresAt(PRESIGNED_URL_SECONDS, signingDate.getTime()),
  };
}
