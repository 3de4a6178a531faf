import { AbortMultipartUploadCommand, CreateMultipartUploadCommand } from '@aws-sdk/client-s3';
import type { IdentityId, ObjectKey } from '../files/keys';
import { PayloadTooLargeError } from '../http/errors';
import { objectExists } from '../s3/head';
import type { UploadClients } from './clients';
import { writePlan } from './plans';
import { presignParts, presignPut, signingNow, urlsExpireAt } from './presign';
import { planParts, type UploadLimits } from './upload-limits';

export interface UploadRequest {
  readonly identityId: IdentityId;
  /** The file's key in the folder of `identityId`. */
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
 * Reserves the upload's bytes before any URL is signed (a multipart upload's with its upload id, so that
 * complete and abort find the reservation again); throws when they would pass the caller's quota.
 */
export type ReserveUpload = (uploadId: string | undefined) => Promise<void>;

/**
 * Starts an upload of `size` bytes straight to S3: one presigned PUT of a new file up to the multipart
 * threshold, otherwise a multipart upload (its content type and CRC-32 checksum type fixed now, its plan
 * recorded for re-signing) with one presigned URL per part. An existing file is always replaced by a
 * multipart upload: its completion goes through POST /uploads/complete once, whereas a single PUT URL
 * replayed over an existing file would store a version each time (docs/quotas.md).
 */
export async function startUpload(
  deps: UploadClients,
  limits: UploadLimits,
  request: UploadRequest,
  reserve: ReserveUpload = async () => {},
): Promise<SingleUpload | MultipartUpload> {
  const { s3, files, presigner, bucket } = deps;
  if (request.size > limits.maxFileBytes) {
    throw new PayloadTooLargeError(`A file may be at most ${limits.maxFileBytes} bytes.`);
  }
  const signingDate = signingNow();
  if (request.size <= limits.multipartThresholdBytes && !(await objectExists(files, bucket, request.s3Key))) {
    await reserve(undefined);
    return {
      type: 'single',
      url: await presignPut(presigner, bucket, request, signingDate),
      method: 'PUT',
      headers: {
        'Content-Type': request.contentType,
        'If-None-Match': '*',
        ...(request.crc32 === undefined ? {} : { 'x-amz-checksum-crc32': request.crc32 }),
      },
      expiresAt: urlsExpireAt(signingDate),
    };
  }
  const created = await files.send(
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
  // Should this fail, the upload is left to the bucket's rule that aborts incomplete uploads.
  await writePlan(s3, bucket, request.identityId, request.s3Key, created.UploadId, {
    size: request.size,
    partSize: plan.partSize,
  });
  try {
    await reserve(created.UploadId);
  } catch (error) {
    // No URL was signed: the empty upload goes now rather than with the bucket's rule.
    await files
      .send(
        new AbortMultipartUploadCommand({ Bucket: bucket, Key: request.s3Key, UploadId: created.UploadId }),
      )
      .catch(() => undefined);
    throw error;
  }
  return {
    type: 'multipart',
    uploadId: created.UploadId,
    partSize: plan.partSize,
    parts: await presignParts(presigner, bucket, request.s3Key, created.UploadId, plan.parts, signingDate),
    expiresAt: urlsExpireAt(signingDate),
  };
}
