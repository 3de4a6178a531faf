import { CreateMultipartUploadCommand } from '@aws-sdk/client-s3';
import type { ObjectKey } from '../files/keys';
import { PayloadTooLargeError } from '../http/errors';
import type { UploadDeps } from '../wiring/deps';
import { planParts, type UploadLimits } from './limits';
import { writePlan } from './plans';
import { presignParts, presignPut, signingNow, urlsExpireAt } from './presign';

export interface UploadRequest {
  readonly identityId: string;
  /** The file's key in the folder of `identityId`. */
  readonly s3Key: ObjectKey;
  readonly size: number;
  readonly contentType: string;
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
 * otherwise a multipart upload (its content type fixed now, its plan recorded for re-signing) with one
 * presigned URL per part.
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
  const signingDate = signingNow();
  if (request.size <= limits.multipartThresholdBytes) {
    return {
      type: 'single',
      url: await presignPut(presigner, bucket, request.s3Key, request.size, request.contentType, signingDate),
      method: 'PUT',
      headers: { 'Content-Type': request.contentType },
      expiresAt: urlsExpireAt(signingDate),
    };
  }
  const created = await s3.send(
    new CreateMultipartUploadCommand({
      Bucket: bucket,
      Key: request.s3Key,
      ContentType: request.contentType,
    }),
  );
  if (!created.UploadId) throw new Error('CreateMultipartUpload returned no upload id');
  const plan = planParts(request.size, limits.partBytes);
  // Should this fail, the upload is left to the bucket's rule that aborts incomplete uploads.
  await writePlan(s3, bucket, request.identityId, request.s3Key, created.UploadId, {
    size: request.size,
    partSize: plan.partSize,
  });
  return {
    type: 'multipart',
    uploadId: created.UploadId,
    partSize: plan.partSize,
    parts: await presignParts(presigner, bucket, request.s3Key, created.UploadId, plan.parts, signingDate),
    expiresAt: urlsExpireAt(signingDate),
  };
}
