import { HeadObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { combinedCrc32, isCompositeCrc32 } from '../s3/composite-crc32';
import { crc32OfBase64 } from '../s3/crc32';
import { mapConcurrently } from '../s3/pool';
import type { ZipEntry } from './contract';
import { changedError, readError } from './zip-failure';

/** HeadObjects in flight while planning. */
const HEAD_CONCURRENCY = 16;

/** What S3 keeps of a source that may be copied: its ETag (to copy exactly that version) and CRC-32. */
export interface SourceChecksum {
  readonly etag?: string;
  /** The full-object CRC-32, when S3 has one or it can be rebuilt from the parts' CRCs. */
  readonly crc?: number;
}

export interface SourceChecksumOptions {
  readonly s3: S3Client;
  readonly bucket: string;
  readonly entries: readonly ZipEntry[];
  /** Only files from this size on are asked (smaller ones are read whole anyway). */
  readonly copyFrom: number;
  /** Each request's abort signal; throws once the job has failed. */
  readonly abortable: () => { abortSignal: AbortSignal };
}

/**
 * The ETag and CRC-32 of every file large enough to be copied (HeadObject with checksum mode); an empty
 * answer for the others. A size other than the listing's fails the job as "deleted or changed".
 */
export async function sourceChecksums(options: SourceChecksumOptions): Promise<SourceChecksum[]> {
  const { s3, bucket, entries, copyFrom, abortable } = options;
  const large = entries
    .map((entry, index) => ({ entry, index }))
    .filter(({ entry }) => entry.size >= copyFrom);
  const found: SourceChecksum[] = entries.map(() => ({}));
  await mapConcurrently(large, HEAD_CONCURRENCY, async ({ entry, index }) => {
    const head = await s3
      .send(new HeadObjectCommand({ Bucket: bucket, Key: entry.s3Key, ChecksumMode: 'ENABLED' }), abortable())
      .catch((error: unknown) => {
        throw readError(entry, error);
      });
    if (head.ContentLength !== entry.size) {
      throw changedError(entry, new Error(`size ${head.ContentLength}, expected ${entry.size}`));
    }
    let crc = crc32OfBase64(head.ChecksumCRC32);
    // An older multipart upload has a COMPOSITE checksum ("…-<parts>"): its parts' CRCs make the file's.
    // Without them (no part checksums, no permission) the file streams.
    if (crc === undefined && isCompositeCrc32(head.ChecksumCRC32)) {
      const composite = {
        bucket,
        key: entry.s3Key,
        composite: head.ChecksumCRC32 as string,
        etag: head.ETag,
      };
      crc = await combinedCrc32(s3, { ...composite, size: entry.size }, abortable()).catch(() => {
        abortable(); // the job's own failure, if that is why, wins over "no CRC"
        return undefined;
      });
    }
    found[index] = { etag: head.ETag, crc };
  });
  return found;
}
