import { InvalidKeyError } from './errors';

/**
 * Every S3 key a handler touches is built here, from a caller identity and a validated user key.
 * User keys are relative to the caller's folder "<identityId>/"; a key that looks like another user's
 * id or "zip/" simply stays inside the caller's folder.
 */

/** S3's limit on a whole key, in UTF-8 bytes. */
export const MAX_S3_KEY_BYTES = 1024;

// Control characters (C0, DEL, C1), the bidi controls that make a name display as another one, backslash.
export const FORBIDDEN_CHARS = /\p{Cc}|\p{Bidi_Control}|\\/u;
// Marks and invisible characters that can hide around dots: ".\u0301" or ".\u200b" still reads as ".".
export const INVISIBLE = /\p{M}|\p{Default_Ignorable_Code_Point}/gu;

export type KeyKind = 'file' | 'folder' | 'file-or-folder';

/** The S3 prefix of a user's own folder. */
export function userFolder(identityId: string): string {
  return `${identityId}/`;
}

/** The S3 prefix under which a user's zip jobs and archives live. */
export function zipFolder(identityId: string): string {
  return `zip/${identityId}/`;
}

/**
 * Checks a user key and returns its S3 key under the caller's folder.
 * `file` keys may not end in "/", `folder` keys must (the empty folder "" is the root and only
 * valid for `folder`), `file-or-folder` takes either but not the root.
 */
export function s3Key(identityId: string, userKey: unknown, kind: KeyKind = 'file'): string {
  const key = checkUserKey(userKey, kind);
  const full = userFolder(identityId) + key;
  if (Buffer.byteLength(full, 'utf8') > MAX_S3_KEY_BYTES) {
    throw new InvalidKeyError(`Key is too long: at most ${MAX_S3_KEY_BYTES} bytes with your folder.`);
  }
  return full;
}

/** The user key of an S3 key from the caller's folder; refuses any key outside it. */
export function userKeyOf(identityId: string, key: string): string {
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
