import { crc32 } from 'node:zlib';
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { PUT_FILE_MAX_BYTES } from '../../../contract/settings';
import { PayloadTooLargeError } from '../http/errors';
import { crc32Base64 } from '../s3/crc32';
import { unquoteEtag } from '../s3/etag';
import { readInteger } from '../wiring/env';
import type { ObjectKey } from './keys';

export interface StoreLimits {
  /** The largest body PUT /file accepts, in bytes (settings.ts: at most MAX_PUT_FILE_BYTES). */
  readonly maxBytes: number;
}

/** PUT_FILE_MAX_BYTES, read at cold start: a bad value fails the function's init. */
export function storeLimitsFromEnv(): StoreLimits {
  return { maxBytes: readInteger(PUT_FILE_MAX_BYTES) };
}

/** PUT /file's 413 for a body above the limit: checked before anything is reserved or written. */
export function checkStoreSize(body: Buffer, options: StoreLimits): void {
  if (body.length > options.maxBytes) {
    throw new PayloadTooLargeError(
      `The file is larger than ${options.maxBytes} bytes: use POST /uploads for large files.`,
    );
  }
}

/**
 * Writes (or overwrites) one object with its CRC-32, which S3 checks and keeps: the zip worker copies
 * a file with a known CRC-32 inside S3 instead of reading it.
 */
export async function storeFile(
  s3: S3Client,
  bucket: string,
  key: ObjectKey,
  body: Buffer,
  contentType: string,
  options: StoreLimits,
): Promise<{ size: number; etag: string }> {
  checkStoreSize(body, options);
  const put = await s3.send(
    new PutObjectCommand({
      Bucket: bucket,
      Key: key,
      Body: body,
      ContentType: contentType,
      ChecksumCRC32: crc32Base64(crc32(body)),
    }),
  );
  return { size: body.length, etag: unquoteEtag(put.ETag) };
}
