import { BadRequestError } from '../http/errors';

/**
 * S3 version ids are opaque, URL-ready strings of at most 1024 bytes; `null` names a version written
 * before versioning was turned on. What S3 issues stays within these characters; anything else is
 * refused before a request is made.
 */
const VERSION_ID = /^[A-Za-z0-9._+/=-]{1,1024}$/;

export function checkVersionId(value: unknown, name: string): string {
  if (typeof value !== 'string' || !VERSION_ID.test(value)) {
    throw new BadRequestError(
      `"${name}" must be a version id from GET /files/deleted or GET /file/versions.`,
    );
  }
  return value;
}
