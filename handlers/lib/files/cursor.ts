import {
  ListObjectsV2Command,
  type ListObjectsV2CommandInput,
  type ListObjectsV2CommandOutput,
  type S3Client,
} from '@aws-sdk/client-s3';
import { BadRequestError } from '../http/errors';

/**
 * The `cursor` GET /files hands out: base64url of `{ p, t }`, S3's continuation token `t` bound to the
 * S3 prefix `p` it pages through (which names the caller's folder). Not signed: S3 applies `Prefix` to
 * every page whatever the token says, and checks its own tokens, so a forged cursor can only be refused,
 * never list outside the caller's folder — a key would add a secret to store and rotate and buy nothing.
 */
export function encodeCursor(prefix: string, token: string): string {
  return Buffer.from(JSON.stringify({ p: prefix, t: token }), 'utf8').toString('base64url');
}

/** A prefix of up to 1024 bytes plus S3's token, JSON-quoted and base64url'd, stays well under this. */
const MAX_CURSOR_LENGTH = 4096;
const BASE64URL = /^[A-Za-z0-9_-]+$/;

/** S3's token from a cursor `encodeCursor(prefix, …)` made; anything else is 400 "Invalid cursor.". */
export function decodeCursor(prefix: string, cursor: string): string {
  if (cursor.length > MAX_CURSOR_LENGTH || !BASE64URL.test(cursor)) throw invalidCursor();
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalidCursor();
  }
  const { p, t } = (typeof parsed === 'object' && parsed !== null ? parsed : {}) as {
    p?: unknown;
    t?: unknown;
  };
  if (p !== prefix || typeof t !== 'string' || t === '' || encodeCursor(p, t) !== cursor)
    throw invalidCursor();
  return t;
}

export function invalidCursor(): BadRequestError {
  return new BadRequestError('Invalid cursor.');
}

/**
 * One ListObjectsV2 page under `input.Prefix`, resuming at `cursor` (made by encodeCursor for that prefix).
 * The page's `nextCursor` is bound to the same prefix; a token S3 refuses is the cursor's fault (400).
 */
export async function listPage(
  s3: S3Client,
  input: ListObjectsV2CommandInput & { Prefix: string },
  cursor: string | undefined,
): Promise<ListObjectsV2CommandOutput & { nextCursor: string | null }> {
  const token = cursor === undefined ? undefined : decodeCursor(input.Prefix, cursor);
  const page = await s3
    .send(new ListObjectsV2Command({ ...input, ContinuationToken: token }))
    .catch((error: unknown) => {
      // S3 refuses a token it did not issue (or no longer honours) with InvalidArgument.
      throw token !== undefined && isInvalidArgument(error) ? invalidCursor() : error;
    });
  const nextCursor =
    page.IsTruncated && page.NextContinuationToken
      ? encodeCursor(input.Prefix, page.NextContinuationToken)
      : null;
  return { ...page, nextCursor };
}

function isInvalidArgument(error: unknown): boolean {
  return (
    typeof error === 'object' && error !== null && (error as { name?: unknown }).name === 'InvalidArgument'
  );
}
