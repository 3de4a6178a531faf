import type { S3Client } from '@aws-sdk/client-s3';
import type { ObjectKey } from '../files/keys';
import { isCompressible } from './compression';
import { archiveEntryNames } from './names';
import { ZipFailedError } from './zip-failure';

/** One file of a zip job: what both strategies take. */
export interface ZipEntry {
  readonly s3Key: ObjectKey;
  /** The path inside the archive, from archiveEntryNames. */
  readonly name: string;
  /** The object's size in bytes, as listed when the job was made; a different size fails the zip. */
  readonly size: number;
  /** The date the archive shows for the file. @default the time of zipping */
  readonly lastModified?: Date;
}

export interface ZipProgress {
  readonly filesDone: number;
  /** Bytes of the source files read into (or copied into) the archive so far. */
  readonly bytesDone: number;
}

/** The options both strategies take: the one contract of a zip. */
export interface ZipOptions {
  readonly s3: S3Client;
  readonly bucket: string;
  readonly entries: readonly ZipEntry[];
  /** Where the archive goes, under zip/<identityId>/. */
  readonly targetKey: ObjectKey;
  /** Raised by itself when the archive would need more than 10,000 parts. @default 8 MiB */
  readonly partSizeBytes?: number;
  /**
   * Whether to deflate an entry that passes through the worker (copied files are stored).
   * @default deflate only types that usually shrink (text, csv, json…: compression.ts)
   */
  readonly compress?: (entry: ZipEntry) => boolean;
  /** Called after each file and at least every part's worth of bytes; the caller throttles its writes. */
  readonly onProgress?: (progress: ZipProgress) => void;
  /** Stops the zip (e.g. shortly before the Lambda's end): the upload is aborted, nothing is left. */
  readonly signal?: AbortSignal;
  /** Writes ZIP64 records even for a small archive (both switch by themselves above the limits). */
  readonly forceZip64?: boolean;
}

export interface ZipResult {
  readonly size: number;
  readonly etag: string;
  /** Source bytes that passed through the worker. */
  readonly workerBytes: number;
  /** Source bytes that S3 copied into the archive (UploadPartCopy). */
  readonly copiedBytes: number;
}

/** The `compress` rule of these options. */
export function compressRule(options: Pick<ZipOptions, 'compress'>): (entry: ZipEntry) => boolean {
  return options.compress ?? ((entry) => isCompressible(entry.name));
}

/**
 * Refuses names that archiveEntryNames would change (so a caller cannot skip it) and sizes that are not
 * byte counts, before any request.
 */
export function checkEntries(entries: readonly ZipEntry[]): void {
  const safe = archiveEntryNames(entries.map((entry) => entry.name));
  entries.forEach((entry, index) => {
    if (safe[index] !== entry.name) {
      throw new ZipFailedError('input', `Unsafe or duplicate entry name "${entry.name}".`, entry.name);
    }
    if (!Number.isSafeInteger(entry.size) || entry.size < 0) {
      throw new ZipFailedError('input', `Invalid size for "${entry.name}".`, entry.name);
    }
  });
}
