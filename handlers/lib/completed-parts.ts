import { arrayField, intField } from './body';
import { BadRequestError } from './errors';
import { etagField } from './etag';
import { MAX_PART_NUMBER } from './upload-limits';

export interface CompletedPart {
  readonly PartNumber: number;
  readonly ETag: string;
}

const PART_FIELDS = ['partNumber', 'etag'];

/**
 * The `parts` field of POST /uploads/complete, checked before S3 sees it: 1..10,000 items, each
 * `{ partNumber, etag }` with no other field, part numbers in 1..10,000, strictly ascending.
 */
export function completedPartsField(value: unknown): CompletedPart[] {
  let previous = 0;
  return arrayField(value, 'parts', 1, MAX_PART_NUMBER).map((item, index) => {
    const name = `parts[${index}]`;
    if (typeof item !== 'object' || item === null || Array.isArray(item)) {
      throw new BadRequestError(`"${name}" must be an object { partNumber, etag }.`);
    }
    const unknown = Object.keys(item).find((field) => !PART_FIELDS.includes(field));
    if (unknown !== undefined) throw new BadRequestError(`Unknown field "${name}.${unknown}".`);
    const part = item as { partNumber?: unknown; etag?: unknown };
    const partNumber = intField(part.partNumber, `${name}.partNumber`, 1, MAX_PART_NUMBER);
    if (partNumber <= previous) {
      throw new BadRequestError('"parts" must be in ascending order of partNumber, each number once.');
    }
    previous = partNumber;
    return { PartNumber: partNumber, ETag: etagField(part.etag, `${name}.etag`) };
  });
}
