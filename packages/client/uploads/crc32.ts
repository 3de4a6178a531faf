/**
 * CRC-32 (the zip and gzip one, S3's CRC32) in plain JavaScript, for browsers: node's zlib.crc32 is not
 * there. The table is built on first use.
 */
let table: Int32Array | undefined;

function crcTable(): Int32Array {
  table ??= Int32Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c;
  });
  return table;
}

export function crc32(bytes: Uint8Array, previous = 0): number {
  const t = crcTable();
  let crc = ~previous;
  for (let i = 0; i < bytes.length; i++) crc = t[(crc ^ bytes[i]) & 0xff] ^ (crc >>> 8);
  return ~crc >>> 0;
}

/** Bytes read from a Blob at a time: the file is never held whole for its checksum. */
const CHUNK = 4 * 1024 * 1024;

/** The body's CRC-32 as S3 writes it: 4 big-endian bytes in base64. */
export async function crc32Base64(body: Blob | Uint8Array): Promise<string> {
  let crc = 0;
  if (body instanceof Uint8Array) crc = crc32(body);
  else
    for (let at = 0; at < body.size; at += CHUNK)
      crc = crc32(new Uint8Array(await body.slice(at, at + CHUNK).arrayBuffer()), crc);
  const bytes = [crc >>> 24, (crc >>> 16) & 0xff, (crc >>> 8) & 0xff, crc & 0xff];
  return btoa(String.fromCharCode(...bytes));
}
