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
 * header, deflated when that is asked for and makes it smaller; `stream` — read through the worker,
 * stored, CRC-32 in a data descriptor after the data.
 */
export type EntryMode = 'copy' | 'buffer' | 'stream';

/** What decides an entry's mode. */
export interface ModeInput {
  readonly name: string;
  readonly size: number;
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
  /** Bytes [start, end) of the entry's data as the archive holds it (deflated, when it is). */
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
 * How each entry reaches the archive, decided from sizes and CRC-32s alone, before any byte is read (the
 * reads ahead depend on it): a file from `copyFrom` on with a CRC-32 is copied if what follows its
 * largest possible head is still a part of 5 MiB; a file with a CRC-32 or under `copyFrom` is read whole;
 * the rest streams. When the copies could need more than S3's 10,000 parts (see `partsBound`), nothing is
 * copied and every file passes through the worker, in parts sized to fit, as the streaming engine does.
 */
export function entryModes(inputs: readonly ModeInput[], settings: PlanSettings): EntryMode[] {
  const modes = inputs.map((input) => modeOf(input, settings));
  if (partsBound(inputs, modes, settings) <= MAX_PARTS) return modes;
  const withoutCopies = inputs.map(({ crc: _, ...input }) => modeOf(input, settings));
  if (partsBound(inputs, withoutCopies, settings) > MAX_PARTS) throw new TooManyPartsError();
  return withoutCopies;
}

function modeOf(input: ModeInput, { copyFrom, forceZip64 }: PlanSettings): EntryMode {
  if (input.crc === undefined) return input.size < copyFrom ? 'buffer' : 'stream';
  const copied = input.size >= copyFrom && input.size - maxHead(input, forceZip64) >= MIN_PART_BYTES;
  return copied ? 'copy' : 'buffer';
}

/** The longest head a copied file can need: its part holds nothing but its local header before it. */
export function maxHead(input: Pick<ModeInput, 'name' | 'size'>, forceZip64: boolean): number {
  const name = Buffer.from(input.name, 'utf8');
  return MIN_PART_BYTES - localHeaderSize({ name, size: input.size, crcInHeader: true, forceZip64 });
}

/**
 * An upper bound of the parts `CopyLayout` makes for these modes, whatever the entries' deflated sizes.
 * Between two copied files (a _gap_), every part the worker uploads but the gap's last is at least
 * `partSize` (the layout closes a part early only before a copied file's first range, or at the end), so
 * a gap of G bytes takes at most ⌊G / partSize⌋ + 1 parts. G is at most its stored bytes, with every
 * head at its largest and every record at its ZIP64 size; deflating only shrinks it. A copied file's
 * ranges are fewest with the longest head and never more than for the whole file.
 */
export function partsBound(
  inputs: readonly ModeInput[],
  modes: readonly EntryMode[],
  { partSize, copyPartSize, forceZip64 }: PlanSettings,
): number {
  let parts = 0;
  let gap = 0;
  let directory = endRecordsSize({ entries: inputs.length, offset: 0, size: 0, forceZip64: true });
  inputs.forEach((input, index) => {
    const name = Buffer.from(input.name, 'utf8');
    const crcInHeader = modes[index] !== 'stream';
    const atMost = { name, size: input.size, offset: 0, forceZip64: true, crcInHeader };
    gap += localHeaderSize({ ...atMost, forceZip64 });
    directory += centralRecordSize(atMost);
    if (modes[index] === 'copy') {
      gap += maxHead(input, forceZip64);
      parts += Math.floor(gap / partSize) + 1 + copyRanges(0, input.size, copyPartSize).length;
      gap = 0;
    } else {
      gap += input.size + dataDescriptorSize(atMost);
    }
  });
  return parts + Math.floor((gap + directory) / partSize) + 1;
}

/** One entry as the layout places it: its mode, and its data's size in the archive, now known. */
export interface LayoutInput {
  readonly name: string;
  readonly size: number;
  readonly mtime: Date;
  readonly mode: EntryMode;
  readonly dataSize: number;
  readonly deflated: boolean;
}

/**
 * Lays out a zip as multipart parts, one entry at a time in archive order, from the entries' real data
 * sizes (a small file's deflated size is known only once it is read): copies of large sources with a
 * known CRC-32, and between them parts the worker uploads (headers, small files, the heads of large files
 * that fill a part to S3's 5 MiB minimum, files without a CRC-32, the central directory).
 *
 * Every part but the last is at least 5 MiB: the worker closes a part when it holds `partSize` (≥ 5 MiB)
 * or more, or just before a copied file's ranges; that one is topped up with the copied file's head to
 * 5 MiB, the head sized here from the bytes really laid out before it — never from a guess of them, so
 * a small file deflating to less can only make the head longer, up to `maxHead`, which the file's mode
 * guarantees it has (its rest still makes a range of 5 MiB or more). So the worker moves at most about
 * 5 MiB per copied file.
 */
export class CopyLayout {
  readonly entries: PlannedEntry[] = [];
  private parts: PlannedPart[] = [];
  private partCount = 0;
  private pieces: Piece[] = [];
  private pending = 0;
  private offset = 0;

  constructor(private readonly settings: PlanSettings) {}

  /** Places the next entry; returns the parts it completed. */
  place(input: LayoutInput): PlannedPart[] {
    const { partSize, copyPartSize, forceZip64 } = this.settings;
    const index = this.entries.length;
    if (this.pending >= partSize) this.flush();
    const name = Buffer.from(input.name, 'utf8');
    const crcInHeader = input.mode !== 'stream';
    const headerSize = localHeaderSize({ name, size: input.size, crcInHeader, forceZip64 });
    const head = input.mode === 'copy' ? Math.max(0, MIN_PART_BYTES - this.pending - headerSize) : 0;
    const entry: PlannedEntry = {
      index,
      name,
      size: input.size,
      dataSize: input.mode === 'copy' ? input.size : input.dataSize,
      deflated: input.mode === 'buffer' && input.deflated,
      offset: this.offset,
      mtime: input.mtime,
      crcInHeader,
      forceZip64,
      mode: input.mode,
      head,
    };
    this.entries.push(entry);
    this.add({ kind: 'header', entry: index }, headerSize);
    if (input.mode === 'copy') {
      if (head > 0) this.add({ kind: 'data', entry: index, start: 0, end: head }, head);
      this.flush();
      for (const [start, end] of copyRanges(head, input.size, copyPartSize)) {
        this.parts.push({
          kind: 'copy',
          partNumber: ++this.partCount,
          size: end - start,
          entry: index,
          start,
          end,
        });
        this.offset += end - start;
      }
    } else {
      this.addData(index, entry.dataSize);
      const descriptor = dataDescriptorSize(entry);
      if (descriptor > 0) this.add({ kind: 'descriptor', entry: index }, descriptor);
    }
    return this.completed();
  }

  /** The central directory and end records, last; returns the remaining parts and the archive's layout. */
  finish(): { parts: PlannedPart[]; archiveSize: number; directoryOffset: number; directorySize: number } {
    const directoryOffset = this.offset;
    const directorySize = this.entries.reduce((sum, entry) => sum + centralRecordSize(entry), 0);
    const ends = endRecordsSize({
      entries: this.entries.length,
      offset: directoryOffset,
      size: directorySize,
      forceZip64: this.settings.forceZip64,
    });
    if (this.pending >= this.settings.partSize) this.flush();
    this.add({ kind: 'directory' }, directorySize + ends);
    this.flush();
    return { parts: this.completed(), archiveSize: this.offset, directoryOffset, directorySize };
  }

  private completed(): PlannedPart[] {
    const parts = this.parts;
    this.parts = [];
    return parts;
  }

  private flush(): void {
    if (this.pieces.length > 0)
      this.parts.push({
        kind: 'upload',
        partNumber: ++this.partCount,
        size: this.pending,
        pieces: this.pieces,
      });
    this.pieces = [];
    this.pending = 0;
  }

  private add(piece: Piece, size: number): void {
    this.pieces.push(piece);
    this.pending += size;
    this.offset += size;
  }

  /** Data through the worker, cut at part boundaries. */
  private addData(entry: number, size: number): void {
    for (let at = 0; at < size; ) {
      if (this.pending >= this.settings.partSize) this.flush();
      const take = Math.min(size - at, this.settings.partSize - this.pending);
      this.add({ kind: 'data', entry, start: at, end: at + take }, take);
      at += take;
    }
  }
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
