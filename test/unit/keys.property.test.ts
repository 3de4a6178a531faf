import { expect } from 'chai';
import fc from 'fast-check';
import { MAX_KEY_BYTES } from '../../contract/s3-limits';
import { type KeyKind, s3Key, userFolder } from '../../handlers/lib/files/keys';
import { InvalidKeyError } from '../../handlers/lib/http/errors';
import { identityId } from '../support/events';

const RUNS = 10_000;
const caller = identityId();
const folder = userFolder(caller);
const kinds: KeyKind[] = ['file', 'folder', 'file-or-folder'];

/** The pieces attacks are made of, joined at random: traversal, encodings, look-alikes, invisibles. */
const FRAGMENTS = [
  '..',
  '.',
  '/',
  '\\',
  '%2e',
  '%2E',
  '%2f',
  '%2F',
  '%5c',
  '\u0000',
  '\uff0e', // fullwidth full stop
  '\uff0f', // fullwidth solidus
  '\u0301', // combining acute accent
  '\u0338', // combining long solidus overlay
  '\u200b', // zero width space
  '\u202e', // right-to-left override
  '\u2066', // left-to-right isolate
  '\u200f', // right-to-left mark
  '\ud800', // lone high surrogate
  'a',
  'Z',
  '7',
  ' ',
  'é',
  'zip',
];

const fragmentKey = fc.array(fc.constantFrom(...FRAGMENTS), { maxLength: 12 }).map((parts) => parts.join(''));
const anyKey = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 40 }),
  // UTF-16 code units, so lone surrogates come up too.
  fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)), maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  // Around the 1024-byte limit: the caller's folder takes 47 bytes, multi-byte characters end the key.
  fc
    .tuple(
      fc.string({ unit: fc.constantFrom('a', 'b', 'c'), minLength: 965, maxLength: 977 }),
      fc.string({ maxLength: 4 }),
    )
    .map(([ascii, tail]) => ascii + tail),
);

/** Segments of an S3 key below the caller's folder ("photos/a.jpg" → ["photos", "a.jpg"]). */
function segments(key: string): string[] {
  const relative = key.slice(folder.length);
  if (relative === '') return [];
  return (relative.endsWith('/') ? relative.slice(0, -1) : relative).split('/');
}

/** Holds for every input: an accepted key is safe, anything else is InvalidKeyError and nothing else. */
function checkKey(key: string, kind: KeyKind): void {
  let result: string;
  try {
    result = s3Key(caller, key, kind);
  } catch (error) {
    expect(error).to.be.instanceOf(InvalidKeyError);
    return;
  }
  expect(result).to.equal(folder + key, 'never rewritten');
  expect(result.startsWith(folder)).to.equal(true);
  expect(Buffer.byteLength(result, 'utf8')).to.be.at.most(MAX_KEY_BYTES);
  const nfkc = result.normalize('NFKC');
  expect(nfkc.startsWith(folder)).to.equal(true);
  for (const form of [result, nfkc, nfkc.replace(/%2e/gi, '.').replace(/%2f/gi, '/')]) {
    for (const segment of segments(form)) expect(['', '.', '..']).not.to.include(segment);
  }
}

describe('s3Key (property)', () => {
  it('keeps every accepted arbitrary string inside the caller folder, and refuses the rest as InvalidKey', () => {
    fc.assert(
      fc.property(anyKey, fc.constantFrom(...kinds), (key, kind) => checkKey(key, kind)),
      { numRuns: RUNS },
    );
  });

  it('keeps every accepted mix of traversal fragments inside the caller folder, and refuses the rest', () => {
    fc.assert(
      fc.property(fragmentKey, fc.constantFrom(...kinds), (key, kind) => checkKey(key, kind)),
      { numRuns: RUNS },
    );
  });

  it('accepts every plain key (letters, digits, single slashes) that fits in 1024 bytes', () => {
    const segment = fc.stringMatching(/^[A-Za-z0-9_-][A-Za-z0-9 ._-]{0,20}$/);
    fc.assert(
      fc.property(fc.array(segment, { minLength: 1, maxLength: 8 }), (parts) => {
        const key = parts.join('/');
        expect(s3Key(caller, key, 'file')).to.equal(folder + key);
        expect(s3Key(caller, `${key}/`, 'folder')).to.equal(`${folder}${key}/`);
      }),
      { numRuns: RUNS },
    );
  });
});
