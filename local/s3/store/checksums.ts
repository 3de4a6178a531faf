import { createHash } from 'node:crypto';
import { crc32 } from 'node:zlib';
import { Crc32c } from '@aws-crypto/crc32c';

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
    digest: () => base64Crc(crc),
  };
}

function base64Crc(crc: number): string {
  const bytes = Buffer.alloc(4);
  bytes.writeUInt32BE(crc >>> 0);
  return bytes.toString('base64');
}

/** CRC32C (Castagnoli): node has no built-in one, so the AWS SDK's own (@aws-crypto). */
function crc32cChecksum(): Checksum {
  const crc = new Crc32c();
  return {
    update: (chunk) => {
      crc.update(chunk);
    },
    digest: () => base64Crc(crc.digest()),
  };
}

export function newChecksum(algorithm: ChecksumAlgorithm): Checksum {
  switch (algorithm) {
    case 'CRC32':
      return crcChecksum((chunk, crc) => crc32(chunk, crc));
    case 'CRC32C':
      return crc32cChecksum();
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
