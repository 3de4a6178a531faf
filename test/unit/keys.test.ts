import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { S3Client } from '@aws-sdk/client-s3';
import { expect } from 'chai';
import { deleteObject } from '../../handlers/lib/files/delete';
import { fileInfo } from '../../handlers/lib/files/info';
import { type KeyKind, s3Key, userFolder, userKeyOf, zipFolder } from '../../handlers/lib/files/keys';
import { InvalidKeyError } from '../../handlers/lib/http/errors';
import { identityId } from '../support/events';

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
    const handlers = join(__dirname, '..', '..', 'handlers');
    const casts = readdirSync(handlers, { recursive: true, encoding: 'utf8' })
      .filter((file) => file.endsWith('.ts') && file !== join('lib', 'files', 'keys.ts'))
      .filter((file) => /as ObjectKey\b/.test(readFileSync(join(handlers, file), 'utf8')));
    expect(casts).to.deep.equal([]);
  });
});
