import { DEFAULT_CONTENT_TYPE } from '../../../contract/content-type';
import { BadRequestError } from '../http/errors';

// RFC 9110 media type: type "/" subtype *( ";" parameter ), parameter values a token or a quoted string.
// Stricter than the RFC where SigV4 and browsers could disagree: ASCII only, no tabs or backslash escapes,
// at most one space after ";", so the value a browser sends is byte for byte the value that was signed.
// S3 hands the stored value back verbatim as a response header, so CR/LF and junk never get in.
const TOKEN = "[!#$%&'*+.^_`|~0-9A-Za-z-]+";
const QUOTED = '"[\\x20\\x21\\x23-\\x5b\\x5d-\\x7e]*"';
const MEDIA_TYPE = new RegExp(`^${TOKEN}/${TOKEN}(?:; ?${TOKEN}=(?:${TOKEN}|${QUOTED}))*$`);
const MAX_CONTENT_TYPE_LENGTH = 255;

function isMediaType(value: string): boolean {
  return value.length <= MAX_CONTENT_TYPE_LENGTH && MEDIA_TYPE.test(value);
}

/** The Content-Type header of PUT /file: kept when well-formed, the generic binary type when absent. */
export function storedContentType(header: string | undefined): string {
  const value = header?.trim() ?? '';
  if (value === '') return DEFAULT_CONTENT_TYPE;
  if (!isMediaType(value))
    throw new BadRequestError('"Content-Type" must be a media type such as "image/png".');
  return value;
}

/** A `contentType` field: a sane MIME type, kept exactly as given (it is signed into the upload URL). */
export function contentTypeField(value: unknown): string {
  if (typeof value !== 'string' || !isMediaType(value)) {
    throw new BadRequestError(
      `"contentType" must be a MIME type such as "image/png" or "text/plain; charset=utf-8" (at most ${MAX_CONTENT_TYPE_LENGTH} characters).`,
    );
  }
  return value;
}
