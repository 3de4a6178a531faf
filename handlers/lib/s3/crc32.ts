/** S3's CRC32 checksums are the zip and gzip CRC-32, as 4 big-endian bytes in base64. */
const CRC32_BASE64 = /^[A-Za-z0-9+/]{5}[AQgw]==$/;

export function crc32Base64(crc: number): string {
  const bytes = Buffer.alloc(4);
  bytes.writeUInt32BE(crc >>> 0);
  return bytes.toString('base64');
}

/** The CRC-32 of an S3 checksum value, or undefined when it is not a plain (full-object) CRC32. */
export function crc32OfBase64(value: string | undefined): number | undefined {
  if (value === undefined || !CRC32_BASE64.test(value)) return undefined;
  return Buffer.from(value, 'base64').readUInt32BE(0);
}

export function isCrc32Base64(value: string): boolean {
  return CRC32_BASE64.test(value);
}
