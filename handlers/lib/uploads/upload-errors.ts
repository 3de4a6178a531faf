import { MIN_PART_BYTES } from '../../../contract/s3-limits';
import { BadRequestError, ConflictError, NotFoundError } from '../http/errors';

/**
 * S3's answers about a multipart upload that are the caller's doing, as API errors with our own words
 * (S3's messages may name the bucket or key). Anything else is returned as is and becomes a 500.
 */
export function multipartError(error: unknown): unknown {
  switch (error instanceof Error ? error.name : undefined) {
    case 'NoSuchUpload':
      return noSuchUploadError();
    case 'InvalidPart':
      return new ConflictError('A listed part was not uploaded, or its etag does not match the upload.');
    case 'EntityTooSmall':
      return new ConflictError(`Every part but the last must be at least ${MIN_PART_BYTES / 2 ** 20} MiB.`);
    case 'InvalidPartOrder':
      return new BadRequestError('"parts" must be in ascending order of partNumber.');
    default:
      return error;
  }
}

/** The one answer for an upload that the caller cannot use: it never says whose or why. */
export function noSuchUploadError(): NotFoundError {
  return new NotFoundError(
    'No such upload for this key: it was completed, aborted or expired, or never started.',
  );
}

/** Whether S3 said the upload does not exist (or not for this key). */
export function isNoSuchUpload(error: unknown): boolean {
  return error instanceof Error && error.name === 'NoSuchUpload';
}
