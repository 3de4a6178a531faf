import { checkEntries, compressRule, type ZipOptions } from './contract';
import { type EntryMode, entryModes } from './copy/entry-modes';
import { archiveSizeBound, partSizeFor } from './part-size';
import { type SourceChecksum, sourceChecksums } from './source-checksums';
import { stoppedError } from './zip-failure';

const MiB = 1024 * 1024;

/**
 * `yazl` — the archive is written by yazl and uploaded by lib-storage's Upload, every byte through the
 * worker; `copy` — the copy engine, which lets S3 copy large files with a stored CRC-32 (UploadPartCopy).
 */
export type ZipStrategy = 'yazl' | 'copy';

/** Files from this size with a CRC-32 in S3 are copied (docs/zips.md, "Which strategy"). */
export const COPY_FROM = 10 * MiB;
/** Bytes per UploadPartCopy. */
export const COPY_PART_SIZE = 64 * MiB;

/** A job planned once: what both strategies need to know before a byte is read. */
export interface ZipPlan {
  readonly strategy: ZipStrategy;
  /** Bytes per part the worker uploads: 8 MiB, raised when the archive needs more than 10,000 parts. */
  readonly partSize: number;
  /** Files from `copyFrom` on: the ETag read at planning (reads and copies ask for exactly it) and CRC-32. */
  readonly sources: readonly SourceChecksum[];
  /** How each entry reaches the archive in the copy engine (yazl streams every one). */
  readonly modes: readonly EntryMode[];
  readonly copyFrom: number;
  readonly copyPartSize: number;
}

export interface PlanOptions extends ZipOptions {
  /** Files from this size with a CRC-32 in S3 are copied. @default COPY_FROM */
  readonly copyFrom?: number;
  /** Bytes per UploadPartCopy. @default COPY_PART_SIZE */
  readonly copyPartSize?: number;
  /** Forces a strategy (tests, the bench); else the planner's rule picks it. */
  readonly strategy?: ZipStrategy;
}

/**
 * Plans a job once: checks names and sizes, HEADs the files from `copyFrom` on (ETag and CRC-32, their
 * sizes checked against the listing), decides each entry's mode and, from that, the strategy: the copy
 * engine when at least one entry would be copied, else yazl (the rule: docs/zips.md, "Which strategy").
 */
export async function planZip(options: PlanOptions): Promise<ZipPlan> {
  checkEntries(options.entries);
  if (options.signal?.aborted) throw stoppedError(options.signal);
  const copyFrom = options.copyFrom ?? COPY_FROM;
  const copyPartSize = options.copyPartSize ?? COPY_PART_SIZE;
  const partSize = partSizeFor(archiveSizeBound(options.entries), options.partSizeBytes);
  const signal = options.signal ?? new AbortController().signal;
  const sources = await sourceChecksums({
    ...options,
    copyFrom,
    abortable: () => ({ abortSignal: signal }),
  }).catch((error: unknown) => {
    // HEADs cancelled by the signal: the job was stopped, not a source unreadable.
    throw signal.aborted ? stoppedError(signal) : error;
  });
  const compress = compressRule(options);
  const modes = entryModes(
    options.entries.map((entry, index) => ({
      name: entry.name,
      size: entry.size,
      crc: sources[index].crc,
      compress: compress(entry),
    })),
    { partSize, copyFrom, copyPartSize, forceZip64: options.forceZip64 ?? false },
  );
  const strategy = options.strategy ?? (modes.includes('copy') ? 'copy' : 'yazl');
  return { strategy, partSize, sources, modes, copyFrom, copyPartSize };
}
