import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { ObjectKey } from './keys';

/** Presigned URLs live for minutes, not hours: long enough to start a download or an upload. */
export const PRESIGNED_URL_SECONDS = 5 * 60;

export interface PresignedUrl {
  readonly url: string;
  /** ISO 8601 time after which the URL is refused. */
  readonly expiresAt: string;
}

/** Seconds from now → the ISO time the contract reports as `expiresAt`. */
export function expiresAt(seconds: number, now = Date.now()): string {
  return new Date(now + seconds * 1000).toISOString();
}

/** A presigned GET for exactly one S3 key, that browsers save as `filename`. */
export async function presignDownload(
  s3: S3Client,
  bucket: string,
  key: ObjectKey,
  filename: string,
): Promise<PresignedUrl> {
  const command = new GetObjectCommand({
    Bucket: bucket,
    Key: key,
    ResponseContentDisposition: attachmentDisposition(filename),
  });
  return {
    url: await getSignedUrl(s3, command, { expiresIn: PRESIGNED_URL_SECONDS }),
    expiresAt: expiresAt(PRESIGNED_URL_SECONDS),
  };
}

/**
 * Content-Disposition for a download (RFC 6266 / RFC 8187): an ASCII fallback name plus the exact
 * UTF-8 name in `filename*`. CR, LF and quotes are stripped so the header cannot be split or escaped.
 */
export function attachmentDisposition(filename: string): string {
  const clean = filename.replace(/[\r\n"]/g, '') || 'download';
  const ascii = clean.replace(/[^\x20-\x7e]|[\\%;]/g, '_');
  const encoded = encodeURIComponent(clean).replace(
    /['()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}
