import { FORBIDDEN_CHARS, INVISIBLE } from '../files/keys';

const FORBIDDEN_ALL = new RegExp(FORBIDDEN_CHARS.source, 'gu');
/** What Windows refuses in a name besides control characters (FORBIDDEN_CHARS) and `/`. */
const WINDOWS_FORBIDDEN = /[<>:"|?*]/g;
/** Windows silently drops these at the end of a segment ("a. " opens "a"). */
const TRAILING_DOTS_AND_SPACES = /[. ]+$/;
/**
 * Device names Windows reserves, in any case and also before any extension ("nul.tar.gz"), per Microsoft's
 * "Naming Files, Paths, and Namespaces" (superscript digits included) and CreateFile's console names.
 */
const RESERVED_DEVICE = /^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³]|conin\$|conout\$) *$/i;

/**
 * Entry names for an archive from the files' relative keys, in the same order. Every name is safe to
 * unpack (relative, no empty, "." or ".." segment, no backslash, control or bidi character, no drive
 * letter), Windows-safe in every segment (no `< > : " | ? *`, no reserved device name such as "CON" or
 * "nul.txt", no trailing dot or space) and unique, also on case-insensitive or normalising file systems and against the folders
 * that other names create: "a.txt", "A.txt" → "a.txt", "A (2).txt".
 */
export function archiveEntryNames(relativeKeys: readonly string[]): string[] {
  const names = relativeKeys.map(safeName);
  const folders = new Set(names.flatMap(foldersOf).map(fold));
  const originals = new Set(names.map(fold));
  const used = new Set<string>();
  return names.map((name) => {
    let unique = name;
    if (used.has(fold(name)) || folders.has(fold(name))) {
      for (let n = 2; ; n++) {
        unique = numbered(name, n);
        const folded = fold(unique);
        if (!used.has(folded) && !folders.has(folded) && !originals.has(folded)) break;
      }
    }
    used.add(fold(unique));
    return unique;
  });
}

function safeName(key: string): string {
  const segments = key
    .toWellFormed()
    .replace(FORBIDDEN_ALL, '_')
    .split('/')
    .filter((segment) => !isDotOrEmpty(segment) && !isDotOrEmpty(segment.normalize('NFKC')))
    .map(windowsSafe);
  return segments.length === 0 ? 'file' : segments.join('/');
}

/**
 * One segment as Windows can create it: forbidden characters (also a drive letter's `:`) become `_`,
 * trailing dots and spaces go ("..." becomes "_"), a device name gets `_` after its base ("CON.txt" →
 * "CON_.txt"). Distinct keys that end up equal are numbered afterwards by archiveEntryNames.
 */
function windowsSafe(segment: string): string {
  const trimmed = segment.replace(WINDOWS_FORBIDDEN, '_').replace(TRAILING_DOTS_AND_SPACES, '') || '_';
  const dot = trimmed.indexOf('.');
  const base = dot === -1 ? trimmed : trimmed.slice(0, dot);
  return RESERVED_DEVICE.test(base) ? `${base}_${trimmed.slice(base.length)}` : trimmed;
}

function isDotOrEmpty(segment: string): boolean {
  return ['', '.', '..'].includes(segment.replace(INVISIBLE, ''));
}

/** "a/b/c.txt" → ["a", "a/b"]. */
function foldersOf(name: string): string[] {
  const segments = name.split('/');
  return segments.slice(1).map((_, i) => segments.slice(0, i + 1).join('/'));
}

/** How a case-insensitive, Unicode-normalising file system (macOS, Windows) compares names. */
function fold(name: string): string {
  return name.normalize('NFC').toLowerCase();
}

/** "dir/a.txt", 2 → "dir/a (2).txt"; the extension stays last so the file still opens. */
function numbered(name: string, n: number): string {
  const slash = name.lastIndexOf('/');
  const dot = name.lastIndexOf('.');
  const split = dot > slash + 1 ? dot : name.length;
  return `${name.slice(0, split)} (${n})${name.slice(split)}`;
}
