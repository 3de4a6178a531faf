import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { S3Client } from '@aws-sdk/client-s3';
import { expect } from 'chai';
import fc from 'fast-check';
import { MAX_KEY_BYTES } from '../../../../../contract/s3-limits';
import { deleteObject } from '../../../../../handlers/lib/files/delete';
import { fileInfo } from '../../../../../handlers/lib/files/info';
import {
  identityIdOf,
  isIdentityId,
  type KeyKind,
  s3Key,
  userFolder,
  userKeyOf,
  zipFolder,
} from '../../../../../handlers/lib/files/keys';
import { InvalidKeyError } from '../../../../../handlers/lib/http/errors';
import { folderPolicy } from '../../../../../handlers/lib/s3/caller-session';
import { identityId } from '../../../../support/events';

const alice = identityId();
const bob = identityId();
/** Bytes left for a user key once "<identityId>/" (46 ASCII characters and a slash) is prefixed. */
const ROOM = 1024 - Buffer.byteLength(userFolder(alice));

function refused(key: unknown, kind: KeyKind = 'file'): void {
  expect(() => s3Key(alice, key, kind)).to.throw(InvalidKeyError);
}

describe('s3Key', () => {
  it('puts a plain key under the caller folder, unchanged', () => {
    expect(s3Key(alice, 'photos/2024/a b+c&d?e%.jpg')).to.equal(`${alice}/photos/2024/a b+c&d?e%.jpg`);
  });

  it("keeps another user's id or zip/ as a prefix inside the caller folder", () => {
    expect(s3Key(alice, `${bob}/secret.txt`)).to.equal(`${alice}/${bob}/secret.txt`);
    expect(s3Key(alice, `zip/${bob}/x.zip`)).to.equal(`${alice}/zip/${bob}/x.zip`);
    expect(zipFolder(alice)).to.equal(`zip/${alice}/`);
  });

  describe('counts UTF-8 bytes, not characters, up to 1024 with the caller folder', () => {
    it('accepts exactly 1024 bytes ending in a 3-byte character', () => {
      expect(ROOM).to.equal(977);
      const key = `${'a'.repeat(ROOM - 3)}€`;
      expect(Buffer.byteLength(s3Key(alice, key))).to.equal(1024);
    });

    it('refuses 1025 bytes', () => {
      refused(`${'a'.repeat(ROOM - 2)}€`);
      refused('a'.repeat(ROOM + 1));
    });

    it('refuses a key of far fewer than 1024 characters when its bytes exceed the limit', () => {
      const key = '😀'.repeat(Math.floor(ROOM / 4) + 1); // 245 characters (490 UTF-16 units), 980 bytes
      expect(key.length).to.be.below(1024);
      refused(key);
      expect(Buffer.byteLength(s3Key(alice, '😀'.repeat(Math.floor(ROOM / 4))))).to.equal(1023);
    });

    it('counts 2- and 4-byte characters at the boundary', () => {
      expect(Buffer.byteLength(s3Key(alice, `${'é'.repeat(486)}😀a`))).to.equal(1024);
      refused(`${'é'.repeat(486)}😀ab`);
    });
  });

  it('refuses lone surrogates but accepts a proper pair', () => {
    refused('\ud800');
    refused('a\udc00b');
    refused('photos/\ud83d.jpg');
    expect(s3Key(alice, '\ud83d\ude00.jpg')).to.equal(`${alice}/😀.jpg`);
  });

  it('refuses traversal and empty segments', () => {
    for (const key of [
      '/a',
      '//a',
      'a//b',
      '.',
      '..',
      './a',
      '../a',
      'a/.',
      'a/..',
      'a/./b',
      'a/../b',
      '../',
    ]) {
      refused(key, 'file-or-folder');
    }
  });

  it('refuses the percent-encoded and fullwidth look-alikes of dots and slashes', () => {
    for (const key of [
      '%2e%2e/x',
      '%2E/x',
      'a/%2e%2E',
      '%2fetc',
      'a%2f..%2fb',
      '\uff0e\uff0e/x',
      'a\uff0f\uff0e\uff0e',
    ]) {
      refused(key);
    }
  });

  it('accepts look-alikes that do not form a traversal, kept as written', () => {
    expect(s3Key(alice, 'a%2fb')).to.equal(`${alice}/a%2fb`);
    expect(s3Key(alice, 'a\uff0fb')).to.equal(`${alice}/a\uff0fb`);
    expect(s3Key(alice, '..a/b..')).to.equal(`${alice}/..a/b..`);
  });

  it('refuses dots hidden behind combining marks or invisible characters', () => {
    for (const key of ['a/.\u0301/b', 'a/.\u200b./b', '\u0301/a', 'a/\u200b']) refused(key);
  });

  it('refuses backslash, NUL, other control characters and bidi controls', () => {
    for (const key of [
      'a\\b',
      'a\u0000b',
      'a\u0007b',
      'a\u007fb',
      'a\u0085b',
      'a\nb',
      'a\u202eb',
      'a\u2066b',
      'a\u200fb',
    ]) {
      refused(key);
    }
    refused('a\ufe68b'); // SMALL REVERSE SOLIDUS: a backslash after NFKC
  });

  it('keeps combining marks inside a name', () => {
    expect(s3Key(alice, 'cafe\u0301.txt')).to.equal(`${alice}/cafe\u0301.txt`);
  });

  it('tells files from folders', () => {
    refused('photos/', 'file');
    refused('', 'file');
    refused('photos', 'folder');
    refused('', 'file-or-folder');
    expect(s3Key(alice, '', 'folder')).to.equal(`${alice}/`);
    expect(s3Key(alice, 'photos/', 'folder')).to.equal(`${alice}/photos/`);
    expect(s3Key(alice, 'photos/', 'file-or-folder')).to.equal(`${alice}/photos/`);
    expect(s3Key(alice, 'photos', 'file-or-folder')).to.equal(`${alice}/photos`);
  });

  it('refuses a key that is not a string', () => {
    for (const key of [undefined, null, 1, ['a'], { key: 'a' }]) refused(key);
  });
});

describe('userKeyOf', () => {
  it('strips the caller folder', () => {
    expect(userKeyOf(alice, `${alice}/photos/a.jpg`)).to.equal('photos/a.jpg');
  });

  it("refuses a key from another user's folder", () => {
    expect(() => userKeyOf(alice, `${bob}/a.jpg`)).to.throw();
    expect(() => userKeyOf(alice, `zip/${alice}/a.zip`)).to.throw();
  });
});

describe('ObjectKey', () => {
  it('is what every S3 call with a user key takes: a plain string does not compile', () => {
    // Never called: tsc checks these lines (npm run typecheck), mocha only defines the function.
    const unchecked = async (s3: S3Client) => {
      // @ts-expect-error a user's key must go through s3Key() before it reaches S3
      await fileInfo(s3, 'bucket', 'eu-west-1:0f8e5c1a-8d1b-4a53-9f0c-2b7f2f3a9e11/a.txt');
      // @ts-expect-error likewise for deletes, downloads and every other S3 helper
      await deleteObject(s3, 'bucket', `${identityId()}/a.txt`);
      await fileInfo(s3, 'bucket', s3Key(identityId(), 'a.txt'));
    };
    expect(unchecked).to.be.a('function');
  });

  it('is made only in files/keys.ts: no other handler file casts a string into one', () => {
    expect(handlerFilesCasting('ObjectKey')).to.deep.equal([]);
  });
});

/** The handler files, but files/keys.ts, that cast a value into the branded type `name`. */
function handlerFilesCasting(name: string): string[] {
  const handlers = join(__dirname, '..', '..', '..', '..', '..', 'handlers');
  return readdirSync(handlers, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.ts') && file !== join('lib', 'files', 'keys.ts'))
    .filter((file) => new RegExp(`as ${name}\\b`).test(readFileSync(join(handlers, file), 'utf8')));
}

describe('IdentityId', () => {
  it('is what every folder, key and session policy builder takes: a plain string does not compile', () => {
    const raw = 'eu-west-1:0f8e5c1a-8d1b-4a53-9f0c-2b7f2f3a9e11';
    // Never called: tsc checks these lines (npm run typecheck), mocha only defines the function.
    const unchecked = () => [
      // @ts-expect-error an id from a request goes through callerIdentity (lib/http/identity.ts) first
      userFolder(raw),
      // @ts-expect-error likewise for a user key
      s3Key(raw, 'a.txt'),
      // @ts-expect-error and for the session policy that scopes the caller's credentials
      folderPolicy('bucket', raw),
      folderPolicy('bucket', identityIdOf(raw)),
    ];
    expect(unchecked).to.be.a('function');
  });

  it('is checked: identityIdOf keeps a well-formed id as it is and refuses anything else', () => {
    const id = 'eu-west-1:0f8e5c1a-8d1b-4a53-9f0c-2b7f2f3a9e11';
    expect(identityIdOf(id)).to.equal(id);
    for (const bad of [
      '',
      '../x',
      `${id}/`,
      `zip/${id}`,
      'eu-west-1:not-a-uuid',
      id.toUpperCase(),
      `${id}\n`,
    ]) {
      expect(() => identityIdOf(bad), JSON.stringify(bad)).to.throw('Invalid identity id');
      expect(isIdentityId(bad)).to.equal(false);
    }
  });

  it('is made only in files/keys.ts: no other handler file casts a string into one', () => {
    expect(handlerFilesCasting('IdentityId')).to.deep.equal([]);
  });
});

// Property tests: any string, and any mix of the fragments attacks are made of.
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
