import { createHash } from 'node:crypto';
import { crc32 } from 'node:zlib';

/** The checksum algorithms S3 validates on upload (CRC64NVME is not supported here). */
export const CHECKSUM_ALGORITHMS = ['CRC32', 'CRC32C', 'SHA1', 'SHA256'] as const;
export type ChecksumAlgorithm = (typeof CHECKSUM_ALGORITHMS)[number];
export type ChecksumType = 'COMPOSITE' | 'FULL_OBJECT';

/**
 * S3's checksum of a COMPOSITE multipart object: the algorithm over the parts' binary checksums, then
 * `-<parts>`.
 */
export function compositeChecksum(algorithm: ChecksumAlgorithm, partChecksums: readonly string[]): string {
  const checksum = newChecksum(algorithm);
  for (const part of partChecksums) checksum.update(Buffer.from(part, 'base64'));
  return `${checksum.digest()}-${partChecksums.length}`;
}

/** An incremental checksum whose result is S3's base64 form. */
export interface Checksum {
  update(chunk: Uint8Array): void;
  digest(): string;
}

function crcChecksum(step: (chunk: Uint8Array, crc: number) => number): Checksum {
  let crc = 0;
  return {
    update: (chunk) => {
      crc = step(chunk, crc);
    },
    digest: () => {
      const bytes = Buffer.alloc(4);
      bytes.writeUInt32BE(crc >>> 0);
      return bytes.toString('base64');
    },
  };
}

/** CRC32C (Castagnoli), reflected polynomial 0x82F63B78; node has no built-in one. */
const CRC32C_TABLE = Int32Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0x82f63b78 ^ (c >>> 1) : c >>> 1;
  return c;
});

function crc32c(chunk: Uint8Array, previous: number): number {
  let crc = ~previous;
  for (const byte of chunk) crc = CRC32C_TABLE[(crc ^ byte) & 0xff] ^ (crc >>> 8);
  return ~crc >>> 0;
}

export function newChecksum(algorithm: ChecksumAlgorithm): Checksum {
  switch (algorithm) {
    case 'CRC32':
      return crcChecksum((chunk, crc) => crc32(chunk, crc));
    case 'CRC32C':
      return crcChecksum(crc32c);
    case 'SHA1':
    case 'SHA256': {
      const hash = createHash(algorithm === 'SHA1' ? 'sha1' : 'sha256');
      return { update: (chunk) => hash.update(chunk), digest: () => hash.digest('base64') };
    }
  }
}

/** `x-amz-checksum-crc32` → 'CRC32'; undefined for any other header. */
export function algorithmOfHeader(header: string): ChecksumAlgorithm | undefined {
  const match = /^x-amz-checksum-([a-z0-9]+)$/.exec(header.toLowerCase());
  return CHECKSUM_ALGORITHMS.find((algorithm) => algorithm.toLowerCase() === match?.[1]);
}

export const headerOfAlgorithm = (algorithm: ChecksumAlgorithm) =>
  `x-amz-checksum-${algorithm.toLowerCase()}`;
