import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createDeflateRaw, deflateRawSync } from 'node:zlib';
import { expect } from 'chai';
import { deflatedSizeBound } from '../../../../../../handlers/lib/zip/format/deflate-bound';

/** Deflates `data` as the copy engine does: a stream, fed `chunk` bytes at a time. */
async function streamDeflatedSize(data: Buffer, chunk: number): Promise<number> {
  const chunks = Array.from({ length: Math.ceil(data.length / chunk) }, (_, i) =>
    data.subarray(i * chunk, (i + 1) * chunk),
  );
  let size = 0;
  await pipeline(Readable.from(chunks), createDeflateRaw({ chunkSize: 65_536 }), async (deflated) => {
    for await (const part of deflated as AsyncIterable<Buffer>) size += part.length;
  });
  return size;
}

describe('deflatedSizeBound', () => {
  it("is zlib's deflateBound for raw deflate at its defaults", () => {
    expect(deflatedSizeBound(0)).to.equal(7);
    expect(deflatedSizeBound(16_384)).to.equal(16_384 + 4 + 1 + 7);
    // Past 32 bits, where JavaScript's shifts would wrap.
    const size = 5 * 2 ** 32;
    expect(deflatedSizeBound(size)).to.equal(size + size / 4096 + size / 16_384 + size / 2 ** 25 + 7);
  });

  it('holds for data that does not shrink, deflated whole or as a stream in chunks of any size', async () => {
    for (const size of [0, 1, 1000, 16_383, 16_385, 300_000, 3 * 1024 * 1024 + 7]) {
      const data = randomBytes(size);
      expect(deflateRawSync(data).length, `${size} bytes whole`).to.be.at.most(deflatedSizeBound(size));
      for (const chunk of [1000, 65_536])
        expect(await streamDeflatedSize(data, chunk), `${size} bytes by ${chunk}`).to.be.at.most(
          deflatedSizeBound(size),
        );
    }
  });
});
