import { randomBytes } from 'node:crypto';
import { crc32 } from 'node:zlib';
import { expect } from 'chai';
import { crc32Combine } from '../../../../../handlers/lib/s3/crc32-combine';

describe('crc32Combine', () => {
  it('gives the CRC-32 of two byte runs joined, from their CRCs and the second one’s length', () => {
    for (const [first, second] of [
      [0, 0],
      [0, 9],
      [9, 0],
      [1, 1],
      [100, 3333],
      [70_000, 123_457],
      [5 * 1024 * 1024, 17],
    ]) {
      const a = randomBytes(first);
      const b = randomBytes(second);
      expect(crc32Combine(crc32(a), crc32(b), second), `${first} + ${second}`).to.equal(
        crc32(Buffer.concat([a, b])),
      );
    }
  });

  it('joins many parts in order, as a composite multipart object is rebuilt', () => {
    const parts = [11, 5000, 1, 65_536, 3].map((size) => randomBytes(size));
    const whole = parts.reduce(
      (crc, part, index) => (index === 0 ? crc32(part) : crc32Combine(crc, crc32(part), part.length)),
      0,
    );
    expect(whole).to.equal(crc32(Buffer.concat(parts)));
  });

  it('takes lengths beyond 2^32 (parts up to 5 GiB, objects to 5 TiB): grouping does not change the result', () => {
    // zeros(n): the CRC-32 of n zero bytes, built by doubling from small, checked lengths.
    const known = new Map<number, number>();
    const zeros = (n: number): number => {
      if (n <= 1024) return crc32(Buffer.alloc(n));
      const cached = known.get(n);
      if (cached !== undefined) return cached;
      const half = Math.floor(n / 2);
      const crc = crc32Combine(zeros(half), zeros(n - half), n - half);
      known.set(n, crc);
      return crc;
    };
    const a = crc32(Buffer.from('head'));
    const tail = crc32(Buffer.from('tail'));
    const big = 2 ** 33 + 12_345;
    // head + (zeros(big) + tail) must equal (head + zeros(big)) + tail.
    const right = crc32Combine(a, crc32Combine(zeros(big), tail, 4), big + 4);
    const left = crc32Combine(crc32Combine(a, zeros(big), big), tail, 4);
    expect(right).to.equal(left);
    expect(zeros(3000)).to.equal(crc32(Buffer.alloc(3000)));
  });
});
