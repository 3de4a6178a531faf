/** CRC-32 (zip, gzip, S3's CRC32) reflected polynomial. */
const POLYNOMIAL = 0xedb88320;

/** The 32×32 GF(2) matrix `matrix` (one column per bit) times the vector `vector`. */
function times(matrix: Uint32Array, vector: number): number {
  let sum = 0;
  for (let bit = 0; vector !== 0; bit++, vector >>>= 1) if (vector & 1) sum ^= matrix[bit];
  return sum >>> 0;
}

function square(target: Uint32Array, matrix: Uint32Array): void {
  for (let bit = 0; bit < 32; bit++) target[bit] = times(matrix, matrix[bit]);
}

/**
 * The CRC-32 of A followed by B from crc(A), crc(B) and B's length, without the bytes: zlib's
 * crc32_combine (node's zlib has crc32 but not its combine). Lengths may exceed 2^32 (S3 parts reach 5 GiB,
 * objects 5 TiB), so they are halved by division, not shifted.
 */
export function crc32Combine(first: number, second: number, secondLength: number): number {
  if (secondLength <= 0) return first >>> 0;
  const even = new Uint32Array(32);
  const odd = new Uint32Array(32);
  // The operator for one zero bit, then two, then four.
  odd[0] = POLYNOMIAL;
  for (let bit = 1; bit < 32; bit++) odd[bit] = 1 << (bit - 1);
  square(even, odd);
  square(odd, even);
  let crc = first >>> 0;
  let length = secondLength;
  // Apply length zero bytes to `first`, one power-of-two operator per bit of length.
  while (length > 0) {
    square(even, odd);
    if (length % 2 === 1) crc = times(even, crc);
    length = Math.floor(length / 2);
    if (length === 0) break;
    square(odd, even);
    if (length % 2 === 1) crc = times(odd, crc);
    length = Math.floor(length / 2);
  }
  return (crc ^ second) >>> 0;
}
