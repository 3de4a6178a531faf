import { BadRequestError } from './errors';

export const DEFAULT_CONTENT_TYPE = 'application/octet-stream';

/** Longer than any real media type; keeps object metadata small. */
const MAX_CONTENT_TYPE_LENGTH = 200;

// RFC 9110 media type: type "/" subtype *( OWS ";" OWS name "=" ( token / quoted-string ) ).
const TOKEN = "[!#$%&'*+.^_`|~0-9A-Za-z-]+";
const QUOTED = '"(?:[\\t\\x20\\x21\\x23-\\x5b\\x5d-\\x7e]|\\\\[\\t\\x20-\\x7e])*"';
const MEDIA_TYPE = new RegExp(`^${TOKEN}/${TOKEN}(?:[ \\t]*;[ \\t]*${TOKEN}=(?:${TOKEN}|${QUOTED}))*$`);

/**
 * The Content-Type an uploaded file is stored with: the request's own when it is a well-formed media
 * type, the generic binary type when absent. Anything else (CR/LF, non-ASCII, junk) is a 400, since S3
 * hands it back verbatim as a response header.
 */
export function storedContentType(header: string | undefined): string {
  const value = header?.trim() ?? '';
  if (value === '') return DEFAULT_CONTENT_TYPE;
  if (value.length > MAX_CONTENT_TYPE_LENGTH || !MEDIA_TYPE.test(value)) {
    throw new BadRequestError('"Content-Type" must be a media type such as "image/png".');
  }
  return value;
}
