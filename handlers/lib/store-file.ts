import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { intFromEnv } from './env';
import { PayloadTooLargeError } from './errors';
import { unquoteEtag } from './etag';

/**
 * The largest file sent through the API. The contract says 5 MiB, but Lambda refuses synchronous payloads
 * above 6 MB and API Gateway base64-encodes binary bodies (+33 %), so a body above about 4.4 MB would
 * fail in AWS before reaching us, with a 5xx instead of a 413. 4 MiB keeps every refusal a clean 413;
 * larger files go through POST /uploads. The limit can be lowered but not raised.
 */
export const MAX_PUT_FILE_BYTES = 4 * 1024 * 1024;

export interface StoreFileOptions {
  /** The largest body PUT /file accepts, in bytes. @default MAX_PUT_FILE_BYTES */
  readonly maxBytes: number;
}

/** PUT_FILE_MAX_BYTES, read at cold start: a bad value fails the function's init. */
export function storeFileOptionsFromEnv(): StoreFileOptions {
  return { maxBytes: intFromEnv('PUT_FILE_MAX_BYTES', MAX_PUT_FILE_BYTES, 1, MAX_PUT_FILE_BYTES) };
}

/** Writes (or overwrites) one object. The caller must have built `key` with keys.ts. */
export async function storeFile(
  s3: S3Client,
  bucket: string,
  key: string,
  body: Buffer,
  contentType: string,
  options: StoreFileOptions,
): Promise<{ size: number; etag: string }> {
  if (body.length > options.maxBytes) {
    throw new PayloadTooLargeError(
      `The file is larger than ${options.maxBytes} bytes: use POST /uploads for large files.`,
    );
  }
  const put = await s3.send(
    new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentType: contentType }),
  );
  return { size: body.length, etag: unquoteEtag(put.ETag) };
}
