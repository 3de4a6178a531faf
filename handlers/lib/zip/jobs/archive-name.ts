import { BadRequestError } from '../../http/errors';

export const DEFAULT_ZIP_NAME = 'files.zip';
const MAX_NAME_BYTES = 255;

// Control characters (C0, DEL, C1) and bidi controls, which could make "exe.zip" display as another name.
const UNSAFE = /\p{Cc}|\p{Bidi_Control}/gu;

/**
 * The archive's download name from the caller's `name`: a plain file name ending in ".zip". Path
 * separators become "_" so no browser or unzip tool reads a folder into it; control and bidi characters
 * are dropped; at most 255 bytes, as file systems allow.
 */
export function archiveFileName(raw: unknown): string {
  if (raw === undefined) return DEFAULT_ZIP_NAME;
  if (typeof raw !== 'string') throw new BadRequestError('"name" must be a string.');
  if (!raw.isWellFormed()) throw new BadRequestError('"name" must be valid UTF-8.');
  const clean = raw.replace(UNSAFE, '').replace(/[/\\]/g, '_').trim();
  if (clean === '' || /^\.*$/.test(clean.replace(/\.zip$/i, ''))) {
    throw new BadRequestError('"name" must contain a file name, e.g. "photos.zip".');
  }
  const name = /\.zip$/i.test(clean) ? clean : `${clean}.zip`;
  if (Buffer.byteLength(name, 'utf8') > MAX_NAME_BYTES) {
    throw new BadRequestError(`"name" must be at most ${MAX_NAME_BYTES} bytes with its ".zip" ending.`);
  }
  return name;
}
