import { expect } from 'chai';
import { fromBuffer } from 'yauzl';
import { singleFileZip } from '../../modules/bundle/single-file-zip';

/** Reads every entry of a zip with yauzl, an independent implementation of the format. */
function unzip(zip: Buffer): Promise<{ name: string; mode: number; date: Date; content: Buffer }[]> {
  return new Promise((resolve, reject) => {
    fromBuffer(zip, { lazyEntries: true }, (error, archive) => {
      if (error) return reject(error);
      const entries: { name: string; mode: number; date: Date; content: Buffer }[] = [];
      archive.on('entry', (entry) => {
        archive.openReadStream(entry, (streamError, stream) => {
          if (streamError) return reject(streamError);
          const chunks: Buffer[] = [];
          stream.on('data', (chunk: Buffer) => chunks.push(chunk));
          stream.on('end', () => {
            entries.push({
              name: entry.fileName,
              mode: (entry.externalFileAttributes >>> 16) & 0o777,
              date: entry.getLastModDate(),
              content: Buffer.concat(chunks),
            });
            archive.readEntry();
          });
        });
      });
      archive.on('end', () => resolve(entries));
      archive.on('error', reject);
      archive.readEntry();
    });
  });
}

describe('singleFileZip', () => {
  const code = Buffer.from(`exports.handler = async () => ${JSON.stringify('é'.repeat(5000))};\n`);

  it('holds exactly the file, readable by another zip implementation (CRC checked)', async () => {
    const entries = await unzip(singleFileZip('index.js', code));
    expect(entries.map((e) => e.name)).to.deep.equal(['index.js']);
    expect(entries[0]?.content.equals(code)).to.equal(true);
    expect(entries[0]?.mode).to.equal(0o644);
  });

  it('records no build time, so the same code always gives the same bytes', async () => {
    const [entry] = await unzip(singleFileZip('index.js', code));
    expect(entry?.date.getFullYear()).to.equal(1980);
    expect(singleFileZip('index.js', code).equals(singleFileZip('index.js', Buffer.from(code)))).to.equal(
      true,
    );
  });

  it('compresses (a bundle is mostly text)', () => {
    expect(singleFileZip('index.js', code).length).to.be.lessThan(code.length / 2);
  });
});
