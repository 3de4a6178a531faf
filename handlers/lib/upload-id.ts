import { BadRequestError } from './errors';

// S3 upload ids are opaque, URL-safe or base64 text; anything else never reached S3 from us.
const UPLOAD_ID = /^[A-Za-z0-9._~+/=-]{1,1024}$/;

/** An `uploadId` field, checked for length and characters before it goes near S3. */
export function uploadIdField(value: unknown): string {
  if (typeof value !== 'string' || !UPLOAD_ID.test(value)) {
    throw new BadRequestError('"uploadId" must be an upload id returned by POST /uploads.');
  }
  return value;
}
