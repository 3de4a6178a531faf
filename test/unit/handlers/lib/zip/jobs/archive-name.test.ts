import { expect } from 'chai';
import { archiveFileName, DEFAULT_ZIP_NAME } from '../../../../../../handlers/lib/zip/jobs/archive-name';

describe('archiveFileName', () => {
  it('defaults to files.zip', () => {
    expect(archiveFileName(undefined)).to.equal(DEFAULT_ZIP_NAME);
  });

  it('ends the name in .zip, keeping an existing ending in any case', () => {
    expect(archiveFileName('photos')).to.equal('photos.zip');
    expect(archiveFileName('photos.zip')).to.equal('photos.zip');
    expect(archiveFileName('Photos.ZIP')).to.equal('Photos.ZIP');
    expect(archiveFileName('report.pdf')).to.equal('report.pdf.zip');
  });

  it('turns path separators into "_" so the name stays one file', () => {
    expect(archiveFileName('../../etc/passwd')).to.equal('.._.._etc_passwd.zip');
    expect(archiveFileName('C:\\Users\\x.zip')).to.equal('C:_Users_x.zip');
  });

  it('drops control and bidi characters', () => {
    expect(archiveFileName('a\r\nb\u0000c')).to.equal('abc.zip');
    expect(archiveFileName('invoice\u202egpj.zip')).to.equal('invoicegpj.zip');
  });

  it('keeps non-ASCII names', () => {
    expect(archiveFileName('Fotos – Sommer 2024 ☀')).to.equal('Fotos – Sommer 2024 ☀.zip');
  });

  it('refuses names that are empty, only dots, not strings, malformed or longer than 255 bytes', () => {
    for (const name of ['', '   ', '\u0007', '..', '.zip', '...zip', 7, null, 'a\ud800', 'é'.repeat(126)]) {
      expect(() => archiveFileName(name), String(name)).to.throw('"name"');
    }
    expect(archiveFileName('é'.repeat(125))).to.have.length(129);
  });
});
