import { crc32 as nativeCrc32 } from 'node:zlib';
import bufferCrc32 from 'buffer-crc32';

/**
 * yazl computes every entry's CRC-32 with buffer-crc32, a byte-at-a-time JavaScript loop that runs
 * at a few hundred MiB/s: it was the zip's largest CPU cost, larger than the upload's. Node's native
 * zlib.crc32 gives the same numbers about 15× faster, so yazl's calls (`unsigned(buffer, number)`) go
 * to it; any other form of call keeps the original.
 */
export function giveYazlNativeCrc32(): void {
  const original = bufferCrc32.unsigned;
  bufferCrc32.unsigned = (input, previous) =>
    Buffer.isBuffer(input) && (previous === undefined || typeof previous === 'number')
      ? nativeCrc32(input, previous)
      : original(input, previous);
}
