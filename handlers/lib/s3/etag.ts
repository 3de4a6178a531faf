import { createHash } from 'node:crypto';

/** S3 returns ETags in quotes (`"abc…"`); the API reports them bare. */
export function unquoteEtag(etag: string | undefined): string {
  return (etag ?? '').replace(/^"|"$/g, '');
}

/**
 * The ETag S3 gives an object made by CompleteMultipartUpload from parts with these ETags: the MD5 of
 * the parts' binary MD5s, then "-" and the number of parts. (Objects encrypted with SSE-KMS have other
 * ETags; for them this simply never matches.)
 */
export function multipartETag(partETags: readonly string[]): string {
  const md5s = partETags.map((etag) => Buffer.from(etag.replaceAll('"', ''), 'hex'));
  return `"${createHash('md5').update(Buffer.concat(md5s)).digest('hex')}-${partETags.length}"`;
}
