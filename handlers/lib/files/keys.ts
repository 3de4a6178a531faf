import {
  TRANSFERS_PREFIX,
  UPLOAD_PLANS_PREFIX,
  USER_RECORDS_PREFIX,
  ZIPS_PREFIX,
} from '../../../contract/bucket-layout';
import { MAX_KEY_BYTES } from '../../../contract/s3-limits';
import { InvalidKeyError } from '../http/errors';

/**
 * Every S3 key a handler touches is built here, from a caller identity and a validated user key.
 * User keys are relative to the caller's folder "<identityId>/"; a key that looks like another user's
 * id or "zip/" simply stays inside the caller's folder.
 */

declare const builtByKeys: unique symbol;
declare const checkedIdentity: unique symbol;

/**
 * A Cognito identity id, "<region>:<uuid>" (e.g. "eu-west-1:0f8e…"), that was checked: the caller's, as
 * lib/http/identity.ts read it from the request, or one read back from a key or record with
 * isIdentityId. Every builder of a user's folder, key or session policy takes this type, so the compiler
 * refuses a plain string there.
 */
export type IdentityId = string & { readonly [checkedIdentity]: true };

const IDENTITY_ID =
  /^[a-z]{2}(-[a-z]+)+-\d{1,2}:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Whether a value is a well-formed Cognito identity id (the caller's, or one read back from a key). */
export function isIdentityId(value: unknown): value is IdentityId {
  return typeof value === 'string' && IDENTITY_ID.test(value);
}

/** The value as an identity id, for ids from outside a request (a command line, a record): else it throws. */
export function identityIdOf(value: string): IdentityId {
  if (!isIdentityId(value)) throw new Error('Invalid identity id');
  return value;
}

/**
 * An S3 key or prefix that this module built or checked. Every function that sends a user's key to S3
 * takes this type, so the compiler refuses a plain string there: only the functions below make one
 * (zip/jobs/job-keys.ts builds a job's keys with zipFolder and keyIn, from a checked identity and job id).
 */
export type ObjectKey = string & { readonly [builtByKeys]: true };

// Control characters (C0, DEL, C1), the bidi controls that make a name display as another one, backslash.
export const FORBIDDEN_CHARS = /\p{Cc}|\p{Bidi_Control}|\\/u;
// Marks and invisible characters that can hide around dots: ".\u0301" or ".\u200b" still reads as ".".
export const INVISIBLE = /\p{M}|\p{Default_Ignorable_Code_Point}/gu;

export type KeyKind = 'file' | 'folder' | 'file-or-folder';

/** The S3 prefix of a user's own folder. */
export function userFolder(identityId: IdentityId): ObjectKey {
  return `${identityId}/` as ObjectKey;
}

/** The S3 prefix under which a user's zip jobs and archives live. */
export function zipFolder(identityId: IdentityId): ObjectKey {
  return `${ZIPS_PREFIX}${identityId}/` as ObjectKey;
}

/** The S3 prefix under which a user's copy and move jobs are recorded (lib/transfers/jobs.ts). */
export function transfersFolder(identityId: IdentityId): ObjectKey {
  return `${TRANSFERS_PREFIX}${identityId}/` as ObjectKey;
}

/** The S3 prefix under which the plans of a user's multipart uploads live (lib/uploads/plans.ts). */
export function uploadPlanFolder(identityId: IdentityId): ObjectKey {
  return `${UPLOAD_PLANS_PREFIX}${identityId}/` as ObjectKey;
}

/** A user pool `sub`: a lower-case UUID. */
const SUB = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function isSub(value: unknown): value is string {
  return typeof value === 'string' && SUB.test(value);
}

/**
 * Where the API records the identity id (folder) of the user whose `sub` this is, `users/<sub>.json`
 * (lib/http/caller-record.ts writes it, the admin CLI reads it).
 */
export function userRecordKey(sub: string): ObjectKey {
  if (!isSub(sub)) throw new Error('Invalid user pool sub');
  return `${USER_RECORDS_PREFIX}${sub}.json` as ObjectKey;
}

/** `folder` (built here) followed by a name that the caller built from checked parts. */
export function keyIn(folder: ObjectKey, rest: string): ObjectKey {
  return (folder + rest) as ObjectKey;
}

/**
 * A key S3 listed under `prefix` (built here), or undefined when it does not start with it: S3 filters a
 * listing by prefix, and this checks it again before the key is used.
 */
export function keyUnder(prefix: ObjectKey, key: string | undefined): ObjectKey | undefined {
  return key?.startsWith(prefix) ? (key as ObjectKey) : undefined;
}

/**
 * Checks a user key and returns its S3 key under the caller's folder.
 * `file` keys may not end in "/", `folder` keys must (the empty folder "" is the root and only
 * valid for `folder`), `file-or-folder` takes either but not the root.
 */
export function s3Key(identityId: IdentityId, userKey: unknown, kind: KeyKind = 'file'): ObjectKey {
  const key = checkUserKey(userKey, kind);
  const full = userFolder(identityId) + key;
  if (Buffer.byteLength(full, 'utf8') > MAX_KEY_BYTES) {
    throw new InvalidKeyError(`Key is too long: at most ${MAX_KEY_BYTES} bytes with your folder.`);
  }
  return full as ObjectKey;
}

/** The user key of an S3 key from the caller's folder; refuses any key outside it. */
export function userKeyOf(identityId: IdentityId, key: string): string {
  const folder = userFolder(identityId);
  if (!key.startsWith(folder)) throw new Error('S3 returned a key outside the caller folder');
  return key.slice(folder.length);
}

function checkUserKey(key: unknown, kind: KeyKind): string {
  if (typeof key !== 'string') throw new InvalidKeyError('Key must be a string.');
  const isFolder = key === '' || key.endsWith('/');
  if (key === '' && kind !== 'folder') throw new InvalidKeyError('Key must not be empty.');
  if (kind === 'file' && isFolder) throw new InvalidKeyError('Key must name a file, not end in "/".');
  if (kind === 'folder' && !isFolder) throw new InvalidKeyError('Prefix must be empty or end in "/".');
  if (!key.isWellFormed()) throw new InvalidKeyError('Key must be valid UTF-8.');
  if (key === '') return key;

  // Check the key as written, then as it may be read by a decoder or a normaliser downstream.
  for (const form of new Set([key, key.normalize('NFKC'), decodeLookAlikes(key.normalize('NFKC'))])) {
    checkForm(form, isFolder);
  }
  return key;
}

function checkForm(key: string, isFolder: boolean): void {
  if (FORBIDDEN_CHARS.test(key)) {
    throw new InvalidKeyError('Key must not contain control characters, bidi controls or "\\".');
  }
  if (key.startsWith('/')) throw new InvalidKeyError('Key must not start with "/".');
  const segments = (isFolder ? key.slice(0, -1) : key).split('/');
  for (const segment of segments) {
    const visible = segment.replace(INVISIBLE, '');
    if (visible === '') throw new InvalidKeyError('Key must not contain an empty segment.');
    if (visible === '.' || visible === '..')
      throw new InvalidKeyError('Key must not contain "." or ".." segments.');
  }
}

/** Percent-encoded dots and separators, which some client or proxy may decode on the way. */
function decodeLookAlikes(key: string): string {
  return key.replace(/%2e/gi, '.').replace(/%2f/gi, '/').replace(/%5c/gi, '\\').replace(/%00/g, '\u0000');
}
