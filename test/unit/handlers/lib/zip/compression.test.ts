import { expect } from 'chai';
import { isCompressible } from '../../../../../handlers/lib/zip/compression';

describe('isCompressible', () => {
  it('deflates text-like types, whatever the case of the extension', () => {
    for (const name of ['notes.txt', 'dir/data.CSV', 'a.b.json', 'page.html', 'drawing.svg']) {
      expect(isCompressible(name), name).to.equal(true);
    }
  });

  it('stores compressed types, unknown types and names without an extension', () => {
    for (const name of [
      'photo.jpg',
      'movie.mp4',
      'archive.zip',
      'report.docx',
      'blob.bin',
      'README',
      '.bashrc',
    ]) {
      expect(isCompressible(name), name).to.equal(false);
    }
  });
});
