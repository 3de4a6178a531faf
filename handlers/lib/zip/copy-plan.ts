import { MAX_PART_BYTES, MAX_PARTS, MIN_PART_BYTES } from '../s3/limits';
import { ZipFailedError } from './errors';
import {
  centralRecordSize,
  dataDescriptorSize,
  endRecordsSize,
  localHeaderSize,
  type RecordEntry,
} from './records';

/**
 * How an entry's bytes reach the archive: `copy` — S3 copies them (UploadPartCopy), but for a head that
 * fills the part before; `buffer` — read whole into memory (small files), CRC-32 computed before the
 * header; `stream` — read through the worker, CRC-32 in a data descriptor after the data.
 */
export type EntryMode = 'copy' | 'buffer' | 'stream';

export interface PlanInput {
  readonly name: string;
  readonly size: number;
  readonly mtime: Date;
  /** Its CRC-32 as S3 keeps it, if known: then it may be copied. */
  readonly crc?: number;
}

export interface PlannedEntry extends RecordEntry {
  readonly index: number;
  readonly mode: EntryMode;
  /** For `copy`: the bytes [0, head) pass through the worker, to fill the part before the copies. */
  readonly head: number;
}

/** A byte range of the archive that the worker writes itself. */
export type Piece =
  | { readonly kind: 'header'; readonly entry: number }
  | { readonly kind: 'data'; readonly entry: number; readonly start: number; readonly end: number }
  | { readonly kind: 'descriptor'; readonly entry: number }
  | { readonly kind: 'directory' };

export type PlannedPart =
  | { readonly kind: 'upload'; readonly partNumber: number; readonly size: number; readonly pieces: Piece[] }
  | {
      readonly kind: 'copy';
      readonly partNumber: number;
      readonly size: number;
      readonly entry: number;
      readonly start: number;
      /** Exclusive. */
      readonly end: number;
    };

export interface CopyPlan {
  readonly entries: PlannedEntry[];
  readonly parts: PlannedPart[];
  readonly archiveSize: number;
  /** Where the central directory starts, and its size (without the end records). */
  readonly directoryOffset: number;
  readonly directorySize: number;
}

export interface PlanSettings {
  /** Parts the worker uploads: filled up to about this size. */
  readonly partSize: number;
  /** Ranges copied in one UploadPartCopy. */
  readonly copyPartSize: number;
  /** Files from this size with a known CRC-32 are copied; smaller ones are read whole. */
  readonly copyFrom: number;
  readonly forceZip64: boolean;
}

/** Copies need parts of their own: with thousands of large files, the plan exceeds S3's 10,000 parts. */
export class TooManyPartsError extends ZipFailedError {
  constructor() {
    super('input', 'The archive would need more than 10,000 parts: select fewer files.');
  }
}

/**
 * Lays out a stored zip of `inputs` as multipart parts: copies of large sources with a known CRC-32,
 * and between them parts the worker uploads (headers, small files, the heads of large files that fill
 * a part to S3's 5 MiB minimum, files without a CRC-32, the central directory). Every part but the last
 * is at least 5 MiB, so the worker moves at most about 5 MiB per copied file.
 */
export function planCopyZip(inputs: readonly PlanInput[], settings: PlanSettings): CopyPlan {
  const { partSize, copyPartSize, copyFrom, forceZip64 } = settings;
  const entries: PlannedEntry[] = [];
  const parts: PlannedPart[] = [];
  let pieces: Piece[] = [];
  let pending = 0;
  let offset = 0;
  const flush = () => {
    if (pieces.length > 0)
      parts.push({ kind: 'upload', partNumber: parts.length + 1, size: pending, pieces });
    pieces = [];
    pending = 0;
  };
  const add = (piece: Piece, size: number) => {
    pieces.push(piece);
    pending += size;
    offset += size;
  };
  /** Data through the worker, cut at part boundaries. */
  const addData = (entry: number, start: number, end: number) => {
    for (let at = start; at < end; ) {
      if (pending >= partSize) flush();
      const take = Math.min(end - at, partSize - pending);
      add({ kind: 'data', entry, start: at, end: at + take }, take);
      at += take;
    }
  };

  inputs.forEach((input, index) => {
    if (pending >= partSize) flush();
    const name = Buffer.from(input.name, 'utf8');
    const crcInHeader = input.crc !== undefined || input.size < copyFrom;
    const headerSize = localHeaderSize({ name, size: input.size, crcInHeader, forceZip64 });
    const head = Math.max(0, MIN_PART_BYTES - pending - headerSize);
    const copied = input.crc !== undefined && input.size >= copyFrom && input.size - head >= MIN_PART_BYTES;
    const mode: EntryMode = copied ? 'copy' : crcInHeader ? 'buffer' : 'stream';
    const entry: PlannedEntry = {
      index,
      name,
      size: input.size,
      offset,
      mtime: input.mtime,
      crcInHeader,
      forceZip64,
      mode,
      head: copied ? head : 0,
    };
    entries.push(entry);
    add({ kind: 'header', entry: index }, headerSize);
    if (copied) {
      if (head > 0) add({ kind: 'data', entry: index, start: 0, end: head }, head);
      flush();
      for (const [start, end] of copyRanges(head, input.size, copyPartSize)) {
        parts.push({
          kind: 'copy',
          partNumber: parts.length + 1,
          size: end - start,
          entry: index,
          start,
          end,
        });
        offset += end - start;
      }
    } else {
      addData(index, 0, input.size);
      const descriptor = dataDescriptorSize(entry);
      if (descriptor > 0) add({ kind: 'descriptor', entry: index }, descriptor);
    }
  });

  const directoryOffset = offset;
  const directorySize = entries.reduce((sum, entry) => sum + centralRecordSize(entry), 0);
  const ends = endRecordsSize({
    entries: entries.length,
    offset: directoryOffset,
    size: directorySize,
    forceZip64,
  });
  if (pending >= partSize) flush();
  add({ kind: 'directory' }, directorySize + ends);
  flush();
  if (parts.length > MAX_PARTS) {
    throw new TooManyPartsError();
  }
  return { entries, parts, archiveSize: offset, directoryOffset, directorySize };
}

/**
 * [start, size) in ranges of about `rangeSize`, none under S3's 5 MiB minimum (a short last range joins
 * the one before) nor over its 5 GiB maximum.
 */
export function copyRanges(start: number, size: number, rangeSize: number): [number, number][] {
  const length = size - start;
  const count = Math.max(1, Math.ceil(length / Math.min(rangeSize, MAX_PART_BYTES)));
  let ranges = count;
  while (ranges > 1 && length / ranges < MIN_PART_BYTES + ranges) ranges--;
  const each = Math.ceil(length / ranges);
  const result: [number, number][] = [];
  for (let at = start; at < size; at += each) result.push([at, Math.min(size, at + each)]);
  return result;
}
