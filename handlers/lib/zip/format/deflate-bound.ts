/**
 * The most bytes raw deflate can make of `size` bytes: zlib's deflateBound() for its default parameters
 * (windowBits 15, memLevel 8: Node's deflateRaw and createDeflateRaw, yazl's deflate), with no wrapper.
 * zlib's deflate.c: `sourceLen + (sourceLen >> 12) + (sourceLen >> 14) + (sourceLen >> 25) + 13 - 6 +
 * wraplen`, wraplen 0 for raw deflate; zlib.h promises it for input fed with Z_NO_FLUSH and ended with
 * Z_FINISH, as a Node zlib stream feeds it. Data that does not shrink goes out as stored blocks of at
 * least 16 KiB (memLevel 8) with 5 bytes of header each: about 5 bytes per 16 KiB, plus a few.
 * Divisions, not shifts: JavaScript shifts are 32-bit, sizes here are not.
 */
export function deflatedSizeBound(size: number): number {
  return size + Math.floor(size / 2 ** 12) + Math.floor(size / 2 ** 14) + Math.floor(size / 2 ** 25) + 7;
}
