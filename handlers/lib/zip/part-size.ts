import { MAX_PART_BYTES, MAX_PARTS, MIN_PART_BYTES } from '../../../contract/s3-limits';
import { deflatedSizeBound } from './format/deflate-bound';
import { ZipFailedError } from './zip-failure';

const MiB = 1024 * 1024;
/** Parts of 8 MiB: 4 in flight keep S3 busy, and stay under every local server's request limit. */
export const DEFAULT_PART_SIZE = 8 * MiB;

/**
 * An upper bound of an archive's size: the data (at most zlib's deflateBound, for entries that are
 * compressed), the local header, data descriptor and central directory record of each entry with their
 * ZIP64 extra fields, and the end records.
 */
export function archiveSizeBound(entries: readonly { size: number; name: string }[]): number {
  let bound = 1024;
  for (const { size, name } of entries) {
    bound += deflatedSizeBound(size) + 2 * Buffer.byteLength(name) + 256;
  }
  return bound;
}

/**
 * The part size to use: the one asked for, raised (to whole MiB) when the archive would need more than
 * S3's 10,000 parts. Memory grows with it (queueSize + 1 parts in flight), so it only grows when it must.
 */
export function partSizeFor(archiveBytes: number, requested = DEFAULT_PART_SIZE): number {
  if (requested < MIN_PART_BYTES) throw new RangeError(`partSizeBytes must be at least ${MIN_PART_BYTES}`);
  const needed = Math.ceil(archiveBytes / MAX_PARTS / MiB) * MiB;
  const size = Math.max(requested, needed);
  if (size > MAX_PART_BYTES) {
    throw new ZipFailedError('input', 'The archive would be too large for one stored object.');
  }
  return size;
}
