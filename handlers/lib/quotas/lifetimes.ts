import { randomUUID } from 'node:crypto';
import { fileHash } from './table';

/**
 * How long a reservation outlives the last moment its bytes can reach S3: S3's event may come late, and
 * Lambda retries a failed usage recorder for up to 6 hours (its default maximum event age).
 */
export const EVENT_GRACE_MS = 6 * 60 * 60 * 1000;

/**
 * A multipart upload's reservation: the bucket aborts unfinished uploads after a day (its lifecycle rule);
 * should an environment keep them longer, POST /uploads/complete reserves again (complete-upload.ts).
 */
export const MULTIPART_RESERVATION_MS = 24 * 60 * 60 * 1000 + EVENT_GRACE_MS;

/** A reservation of one request: a fresh id. */
export function requestReservationId(): string {
  return randomUUID().replace(/-/g, '');
}

/** The reservation of a multipart upload, which complete and abort find again from the upload id. */
export function uploadReservationId(uploadId: string): string {
  return `u${fileHash(uploadId).slice(0, 40)}`;
}
