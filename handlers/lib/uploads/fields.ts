import { MAX_PARTS_PER_SIGNING } from '../../../contract/request-limits';
import { MAX_PARTS } from '../../../contract/s3-limits';
import { arrayField, intField } from '../http/body';
import { BadRequestError } from '../http/errors';
import { isCrc32Base64 } from '../s3/crc32';
import { unquoteEtag } from '../s3/etag';

/** The request fields of the upload routes, checked before S3 sees them. */

export interface CompletedPart {
  readonly PartNumber: number;
  readonly ETag: string;
}

const PART_FIELDS = ['partNumber', 'etag'];

// S3 upload ids are opaque, URL-safe or base64 text; anything else never reached S3 from us.
const UPLOAD_ID = /^[A-Za-z0-9._~+/=-]{1,1024}$/;

// An ETag as S3 returns it for a part (hex MD5, or "<hex>-<n>" for whole objects), quoted or not.
const ETAG = /^(?:"[0-9A-Za-z-]{1,128}"|[0-9A-Za-z-]{1,128})$/;

/** An `uploadId` field, checked for length and characters before it goes near S3. */
export function uploadIdField(value: unknown): string {
  if (typeof value !== 'string' || !UPLOAD_ID.test(value)) {
    throw new BadRequestError('"uploadId" must be an upload id returned by POST /uploads.');
  }
  return value;
}

/**
 * The `parts` field of POST /uploads/complete: 1..10,000 items, each `{ partNumber, etag }` with no
 * other field, part numbers in 1..10,000, strictly ascending.
 */
export function completedPartsField(value: unknown): CompletedPart[] {
  let previous = 0;
  return arrayField(value, 'parts', 1, MAX_PARTS).map((item, index) => {
    const name = `parts[${index}]`;
    if (typeof item !== 'object' || item === null || Array.isArray(item)) {
      throw new BadRequestError(`"${name}" must be an object { partNumber, etag }.`);
    }
    const unknown = Object.keys(item).find((field) => !PART_FIELDS.includes(field));
    if (unknown !== undefined) throw new BadRequestError(`Unknown field "${name}.${unknown}".`);
    const part = item as { partNumber?: unknown; etag?: unknown };
    const partNumber = intField(part.partNumber, `${name}.partNumber`, 1, MAX_PARTS);
    if (partNumber <= previous) {
      throw new BadRequestError('"parts" must be in ascending order of partNumber, each number once.');
    }
    previous = partNumber;
    return { PartNumber: partNumber, ETag: etagField(part.etag, `${name}.etag`) };
  });
}

/** An ETag field from the client, in the quoted form S3 expects back. */
export function etagField(value: unknown, name: string): string {
  if (typeof value !== 'string' || !ETAG.test(value)) {
    throw new BadRequestError(`"${name}" must be the ETag that S3 returned for the part.`);
  }
  return `"${unquoteEtag(value)}"`;
}

/**
 * The `partNumbers` field of POST /uploads/parts: 1..MAX_PARTS_PER_SIGNING part numbers, each in
 * 1..10,000 and given once (whether the upload has that part is checked against its plan).
 */
export function partNumbersField(value: unknown): number[] {
  const numbers = arrayField(value, 'partNumbers', 1, MAX_PARTS_PER_SIGNING).map((item, index) =>
    intField(item, `partNumbers[${index}]`, 1, MAX_PARTS),
  );
  if (new Set(numbers).size !== numbers.length) {
    throw new BadRequestError('"partNumbers" must name each part once.');
  }
  return numbers;
}

/** The optional `crc32` of POST /uploads: the file's CRC-32 as S3 writes it, 4 big-endian bytes in base64. */
export function crc32Field(value: unknown): string {
  if (typeof value !== 'string' || !isCrc32Base64(value)) {
    throw new BadRequestError(
      '"crc32" must be the file\'s CRC-32 as 4 big-endian bytes in base64, e.g. "EjRWeA==".',
    );
  }
  return value;
}
