import { createHash, randomUUID } from 'node:crypto';
import type { S3Client } from '@aws-sdk/client-s3';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { IDEMPOTENCY_KEY_HEADER } from '../../../../contract/preflight';
import type { IdentityId } from '../../files/keys';
import { BadRequestError, ConflictError } from '../../http/errors';
import { headerValue } from '../../http/headers';
import { getTaggedJson, putJsonIf } from '../../s3/conditional';
import { objectExists } from '../../s3/head';
import { isJobId, zipIdempotencyKey, zipRequestKey } from './job-keys';

/**
 * `Idempotency-Key` on POST /zips, after Stripe's: the same key from the same user within 24 hours
 * answers with the job the first request made, without making another; the same key with another body
 * is an error (Stripe's `idempotency_error`; a 409 Conflict here, docs/zips.md). The record `zip/<identityId>/idempotency/<sha256(key)>.json` is created with If-None-Match,
 * so of two concurrent requests with one key exactly one makes the job.
 */

/** How long a key keeps answering with its job; the bucket's lifecycle removes the record after a day. */
const IDEMPOTENCY_WINDOW_MS = 24 * 60 * 60 * 1000;

/**
 * How long an attempt holds the key: create-zip stops after 10 s, so an attempt older than this is dead
 * and another request may take the key over (with the same job id).
 */
export const ATTEMPT_TIMEOUT_MS = 60 * 1000;

/** Printable ASCII, 1..255 characters (Stripe's keys are up to 255 characters long). */
const KEY = /^[\x20-\x7e]{1,255}$/;

interface KeyRecord {
  /** SHA-256 of the request body's fields, to tell a retry from a different request. */
  readonly fingerprint: string;
  /** The job this key makes or made. */
  readonly jobId: string;
  readonly createdAt: string;
  /** When the request now making the job started; null once it ended without making it. */
  readonly attemptAt: string | null;
}

/** The request's Idempotency-Key, checked; undefined when it has none. */
export function idempotencyKey(event: Pick<APIGatewayProxyEvent, 'headers' | 'multiValueHeaders'>) {
  const values = Object.entries(event.multiValueHeaders ?? {}).find(
    ([name]) => name.toLowerCase() === IDEMPOTENCY_KEY_HEADER.toLowerCase(),
  )?.[1];
  if ((values?.length ?? 0) > 1) throw new BadRequestError(`${IDEMPOTENCY_KEY_HEADER} must be given once.`);
  const key = headerValue(event, IDEMPOTENCY_KEY_HEADER);
  if (key === undefined) return undefined;
  if (!KEY.test(key)) {
    throw new BadRequestError(`${IDEMPOTENCY_KEY_HEADER} must be 1..255 printable ASCII characters.`);
  }
  return key;
}

/** The fingerprint of a request's fields: the same fields in the same order give the same one. */
export function fingerprint(fields: unknown): string {
  return createHash('sha256').update(JSON.stringify(fields)).digest('hex');
}

export interface KeyClaim {
  readonly kind: 'make' | 'replay';
  readonly jobId: string;
  /** After a `make` that failed: frees the key at once, so the caller's retry need not wait. */
  readonly release: () => Promise<void>;
}

/**
 * Claims the caller's key for a request with this fingerprint: `make` a job (a new id, or the id an
 * earlier attempt that failed or died had), or `replay` the job the key already made. A 409 when the key
 * came with another body, or while another request with it is still running.
 */
export async function claimKey(
  s3: S3Client,
  bucket: string,
  identityId: IdentityId,
  key: string,
  print: string,
  now = Date.now(),
): Promise<KeyClaim> {
  const recordKey = zipIdempotencyKey(identityId, createHash('sha256').update(key).digest('hex'));
  const at = new Date(now).toISOString();
  const fresh: KeyRecord = { fingerprint: print, jobId: randomUUID(), createdAt: at, attemptAt: at };
  const claimed = (record: KeyRecord): KeyClaim => ({
    kind: 'make',
    jobId: record.jobId,
    release: async () => {
      // Only if nothing changed since: a later request may have taken the key over.
      const stored = await getTaggedJson(s3, bucket, recordKey);
      const current = stored && asRecord(stored.value);
      if (stored === undefined || current?.attemptAt !== record.attemptAt) return;
      await putJsonIf(s3, bucket, recordKey, { ...current, attemptAt: null }, { ifMatch: stored.etag });
    },
  });

  if (await putJsonIf(s3, bucket, recordKey, fresh, { ifNoneMatch: '*' })) return claimed(fresh);
  const stored = await getTaggedJson(s3, bucket, recordKey);
  if (stored === undefined) throw inProgress(); // created and expired within a moment: let the caller retry
  const record = asRecord(stored.value);
  // An unreadable record or one past the window starts afresh, like a key never seen.
  if (record === undefined || now - Date.parse(record.createdAt) > IDEMPOTENCY_WINDOW_MS) {
    if (await putJsonIf(s3, bucket, recordKey, fresh, { ifMatch: stored.etag })) return claimed(fresh);
    throw inProgress();
  }
  if (record.fingerprint !== print) {
    throw new ConflictError(
      `This ${IDEMPOTENCY_KEY_HEADER} was already used with another request: use a new key for a new zip.`,
    );
  }
  // The request record is the job's last: once it exists the job is made and will run.
  if (await objectExists(s3, bucket, zipRequestKey({ identityId, jobId: record.jobId }))) {
    return { kind: 'replay', jobId: record.jobId, release: async () => {} };
  }
  const attemptAt = record.attemptAt === null ? Number.NaN : Date.parse(record.attemptAt);
  if (now - attemptAt <= ATTEMPT_TIMEOUT_MS) throw inProgress();
  // The earlier attempt failed or died before making its job: this request makes it, with the same id.
  const takeover: KeyRecord = { ...record, attemptAt: at };
  if (await putJsonIf(s3, bucket, recordKey, takeover, { ifMatch: stored.etag })) return claimed(takeover);
  throw inProgress();
}

function inProgress(): ConflictError {
  return new ConflictError(
    `A request with this ${IDEMPOTENCY_KEY_HEADER} is still in progress: retry in a moment.`,
  );
}

function asRecord(value: unknown): KeyRecord | undefined {
  const v = value as Partial<KeyRecord> | null;
  if (
    typeof v !== 'object' ||
    v === null ||
    typeof v.fingerprint !== 'string' ||
    !isJobId(v.jobId) ||
    typeof v.createdAt !== 'string' ||
    !Number.isFinite(Date.parse(v.createdAt)) ||
    (v.attemptAt !== null && typeof v.attemptAt !== 'string')
  ) {
    return undefined;
  }
  return v as KeyRecord;
}
