import { PutObjectCommand, type S3Client, UploadPartCommand } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { ObjectKey } from '../files/keys';
import { expiresAt, PRESIGNED_URL_SECONDS } from '../files/presign';
import type { PlannedPart } from './limits';

/**
 * The presigner never signs content-type unless told (content-length it signs when set). Naming them here
 * puts them in X-Amz-SignedHeaders, so S3 refuses a body of another length or type than declared, and
 * a PUT without `If-None-Match: *` (which makes the URL store at most once while the file exists).
 */
const PUT_SIGNED_HEADERS = new Set([
  'content-length',
  'content-type',
  'x-amz-checksum-crc32',
  'if-none-match',
]);
/** Sent as a header, not hoisted into the URL, so that it is plainly one of the headers the client sends. */
const PUT_UNHOISTED_HEADERS = new Set(['x-amz-checksum-crc32']);
/**
 * A part's type is the upload's, fixed by CreateMultipartUpload; the SDK gives UploadPart a default
 * content-type that a browser would not send, so it must stay unsigned.
 */
const PART_SIGNED_HEADERS = new Set(['content-length']);

/** Now, in whole seconds as X-Amz-Date has it, so that `expiresAt` is exactly when S3 starts refusing. */
export function signingNow(): Date {
  return new Date(Math.floor(Date.now() / 1000) * 1000);
}

/** When URLs signed at `signingDate` expire, as the contract's `expiresAt`. */
export function urlsExpireAt(signingDate: Date): string {
  return expiresAt(PRESIGNED_URL_SECONDS, signingDate.getTime());
}

/**
 * A presigned PUT for exactly one S3 key, `size` bytes of `contentType`, and with `crc32` (base64) the
 * bytes with exactly that CRC-32: S3 refuses others (BadDigest) and keeps it as the object's checksum.
 * It creates the file only (`If-None-Match: *`, signed): once it stored, a replay is S3's 412
 * PreconditionFailed for as long as the file exists (docs/quotas.md, "Presigned URLs replayed").
 * `s3` must not add checksums (requestChecksumCalculation 'WHEN_REQUIRED'): a checksum computed now
 * would be the empty body's.
 */
export async function presignPut(
  s3: S3Client,
  bucket: string,
  file: { s3Key: ObjectKey; size: number; contentType: string; crc32?: string },
  signingDate: Date,
): Promise<string> {
  const command = new PutObjectCommand({
    Bucket: bucket,
    Key: file.s3Key,
    ContentLength: file.size,
    ContentType: file.contentType,
    ChecksumCRC32: file.crc32,
    IfNoneMatch: '*',
  });
  return getSignedUrl(s3, command, {
    expiresIn: PRESIGNED_URL_SECONDS,
    signingDate,
    signableHeaders: PUT_SIGNED_HEADERS,
    unhoistableHeaders: PUT_UNHOISTED_HEADERS,
  });
}

/** A presigned UploadPart per planned part, each bound to its part number and signed Content-Length. */
export async function presignParts(
  s3: S3Client,
  bucket: string,
  key: ObjectKey,
  uploadId: string,
  parts: readonly PlannedPart[],
  signingDate: Date,
): Promise<{ partNumber: number; url: string }[]> {
  return Promise.all(
    parts.map(async ({ partNumber, size }) => {
      const command = new UploadPartCommand({
        Bucket: bucket,
        Key: key,
        UploadId: uploadId,
        PartNumber: partNumber,
        ContentLength: size,
      });
      const url = await getSignedUrl(s3, command, {
        expiresIn: PRESIGNED_URL_SECONDS,
        signingDate,
        signableHeaders: PART_SIGNED_HEADERS,
      });
      return { partNumber, url };
    }),
  );
}
