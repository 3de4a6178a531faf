import { expect } from 'chai';
import fc from 'fast-check';
import { ZipFile } from 'yazl';
import { archiveEntryNames } from '../../../../../handlers/lib/zip/names';

/** How macOS and Windows compare names. */
const fold = (name: string) => name.normalize('NFC').toLowerCase();

function foldersOf(name: string): string[] {
  const segments = name.split('/');
  return segments.slice(1).map((_, i) => segments.slice(0, i + 1).join('/'));
}

function isSafe(name: string): boolean {
  const segments = name.split('/');
  return (
    name.isWellFormed() &&
    !/^[a-zA-Z]:/.test(name) &&
    !/\p{Cc}|\p{Bidi_Control}|\\/u.test(name) &&
    segments.every(
      (s) =>
        !['', '.', '..'].includes(
          s.normalize('NFKC').replace(/\p{M}|\p{Default_Ignorable_Code_Point}/gu, ''),
        ),
    )
  );
}

/** Microsoft's "Naming Files, Paths, and Namespaces": what a Windows file system refuses or rewrites. */
function isWindowsSafe(segment: string): boolean {
  const base = segment.split('.')[0].trimEnd();
  return (
    !/[<>:"|?*]|\p{Cc}/u.test(segment) &&
    !/[. ]$/.test(segment) &&
    !/^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³]|conin\$|conout\$)$/i.test(base)
  );
}

describe('archiveEntryNames', () => {
  it('keeps ordinary relative paths as they are', () => {
    const keys = ['a.txt', 'photos/2024/été 🌞.jpg', 'docs/report (final).pdf'];
    expect(archiveEntryNames(keys)).to.deep.equal(keys);
  });

  it('numbers duplicates before the extension, skipping names already taken', () => {
    expect(archiveEntryNames(['a.txt', 'a.txt', 'a (2).txt', 'a.txt', 'b', 'b'])).to.deep.equal([
      'a.txt',
      'a (3).txt',
      'a (2).txt',
      'a (4).txt',
      'b',
      'b (2)',
    ]);
  });

  it('treats names that differ only in case or Unicode form as duplicates', () => {
    expect(archiveEntryNames(['Report.pdf', 'report.PDF', 'cafe\u0301.txt', 'caf\u00e9.txt'])).to.deep.equal([
      'Report.pdf',
      'report (2).PDF',
      'cafe\u0301.txt',
      'caf\u00e9 (2).txt',
    ]);
  });

  it('renames a file that has the name of a folder in the same archive', () => {
    expect(archiveEntryNames(['photos', 'photos/1.jpg', 'Photos/2.jpg'])).to.deep.equal([
      'photos (2)',
      'photos/1.jpg',
      'Photos/2.jpg',
    ]);
  });

  it('never writes an absolute path, a dot segment, a backslash or a control character', () => {
    expect(
      archiveEntryNames([
        '/etc/passwd',
        '../../x',
        'a/./b/../c',
        'C:/win.ini',
        'a\\b',
        'bad\u0000\u202ename',
        '．．/y',
      ]),
    ).to.deep.equal(['etc/passwd', 'x', 'a/b/c', 'C_/win.ini', 'a_b', 'bad__name', 'y']);
  });

  it('renames Windows device names, forbidden characters and trailing dots and spaces, keeping names unique', () => {
    expect(
      archiveEntryNames([
        'CON',
        'nul.txt',
        'Aux.tar.gz',
        'com1/lpt9.log',
        'COM\u00b9.txt',
        'lpt\u00b3',
        'a:b.txt',
        'q<u>o"t|e?s*.txt',
        'name. ',
        'dir./file..',
        '...',
        'CON_',
        'console.txt',
      ]),
    ).to.deep.equal([
      'CON_',
      'nul_.txt',
      'Aux_.tar.gz',
      'com1_/lpt9_.log',
      'COM\u00b9_.txt',
      'lpt\u00b3_',
      'a_b.txt',
      'q_u_o_t_e_s_.txt',
      'name',
      'dir/file',
      '_',
      'CON_ (2)',
      'console.txt',
    ]);
  });

  it('names a key with nothing left "file"', () => {
    expect(archiveEntryNames(['..', '/', '.'])).to.deep.equal(['file', 'file (2)', 'file (3)']);
  });

  it('gives as many names as keys, each safe (also on Windows), unique on any file system, never a folder of another, stable', () => {
    const segment = fc.oneof(
      fc.constantFrom(
        'a',
        'A',
        'a.txt',
        'A.TXT',
        '.',
        '..',
        '',
        'b (2).txt',
        'C:',
        '\u200b.',
        'é',
        'e\u0301',
        'CON',
        'nul.txt',
        'Com\u00b2',
        'a:b',
        'x. ',
        '...',
        'x_',
        '<|>',
      ),
      fc.string({ unit: 'binary', maxLength: 6 }),
    );
    const key = fc.array(segment, { minLength: 1, maxLength: 4 }).map((s) => s.join('/'));
    fc.assert(
      fc.property(fc.array(key, { maxLength: 12 }), (keys) => {
        const names = archiveEntryNames(keys);
        expect(names).to.have.length(keys.length);
        expect(names.every(isSafe), names.join(' | ')).to.equal(true);
        const segments = names.flatMap((name) => name.split('/'));
        expect(segments.every(isWindowsSafe), names.join(' | ')).to.equal(true);
        const folded = names.map(fold);
        expect(new Set(folded).size).to.equal(names.length);
        const folders = new Set(names.flatMap(foldersOf).map(fold));
        expect(folded.some((n) => folders.has(n))).to.equal(false);
        // zipToS3 checks its entries this way: safe names come back unchanged.
        expect(archiveEntryNames(names)).to.deep.equal(names);
        const zip = new ZipFile();
        for (const name of names) zip.addBuffer(Buffer.alloc(0), name);
      }),
    );
  });
});
