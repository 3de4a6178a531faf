import { randomBytes } from 'node:crypto';
import bufferCrc32 from 'buffer-crc32';
import { expect } from 'chai';
import fc from 'fast-check';
import { giveYazlNativeCrc32 } from '../../../../../../handlers/lib/zip/yazl-stream/native-crc';

describe('giveYazlNativeCrc32', () => {
  const original = bufferCrc32.unsigned;
  afterEach(() => {
    bufferCrc32.unsigned = original;
  });

  it('computes the same CRC-32 as buffer-crc32, also when chained over chunks', () => {
    const chunks = [randomBytes(1), randomBytes(70_000), Buffer.alloc(0), randomBytes(513)];
    const expected = chunks.reduce((crc, chunk) => original(chunk, crc), 0);
    giveYazlNativeCrc32();
    expect(chunks.reduce((crc, chunk) => bufferCrc32.unsigned(chunk, crc), 0)).to.equal(expected);
    expect(bufferCrc32.unsigned(Buffer.from('123456789'))).to.equal(0xcbf43926); // the standard check value
  });

  it('agrees with buffer-crc32 on any bytes and previous value', () => {
    giveYazlNativeCrc32();
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.nat(0xffffffff), (bytes, previous) => {
        expect(bufferCrc32.unsigned(Buffer.from(bytes), previous)).to.equal(
          original(Buffer.from(bytes), previous),
        );
      }),
    );
  });
});
