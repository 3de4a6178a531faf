import { BadRequestError } from './errors';

// An ETag as S3 returns it for a part (hex MD5, or "<hex>-<n>" for whole objects), quoted or not.
const ETAG = /^(?:"[0-9A-Za-z-]{1,128}"|[0-9A-Za-z-]{1,128})$/;

/** S3 returns ETags in quotes (`"abc…"`); the API reports them bare. */
export function unquoteEtag(etag: string | undefined): string {
  return (etag ?? '').replace(/^"|"$/g, '');
}

/** An ETag field from the client, in the quoted form S3 expects back. */
export function etagField(value: unknown, name: string): string {
  if (typeof value !== 'string' || !ETAG.test(value)) {
    throw new BadRequestError(`"${name}" must be the ETag that S3 returned for the part.`);
  }
  return `"${unquoteEtag(value)}"`;
}
