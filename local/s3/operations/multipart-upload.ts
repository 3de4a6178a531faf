import { invalidArgument } from '../errors';
import type { S3Request } from '../http/request';

/** What the multipart operations share: the upload a request names, and its part numbers. */

const MAX_PART_NUMBER = 10_000;

export const uploadsOf = (request: S3Request) => request.storage.bucket(request.bucket).uploads;
export const uploadIdOf = (request: S3Request) => request.query.get('uploadId') ?? '';

/** A part number as S3 takes it: a whole number from 1 to 10,000. */
export function partNumberOf(value: string | null | undefined): number {
  const number = Number(value);
  if (!/^\d+$/.test(value ?? '') || number < 1 || number > MAX_PART_NUMBER) {
    throw invalidArgument(
      'Part number must be an integer between 1 and 10000, inclusive',
      'partNumber',
      value ?? '',
    );
  }
  return number;
}
