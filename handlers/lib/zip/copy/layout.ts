import { MAX_PART_BYTES, MAX_PARTS, MIN_PART_BYTES } from '../../s3/limits';
import { deflatedSizeBound } from '../format/deflate-bound';
import {
  centralRecordSize,
  dataDescriptorSize,
  endRecordsSize,
  localHeaderSize,
  needsZip64,
  type RecordEntry,
} from '../format/zip-records';
import { ZipFailedError } from '../zip-failure';

/**
 * How an entry's bytes reach the archive: `copy` — S3 copies them (UploadPartCopy), but for a head that
 * fills the part before; `buffer` — read whole into memory (small files), CRC-32 computed before the
 * header, deflated when that is asked for and makes it smaller; `stream` — read through the worker,
 * deflated as it streams when its type deflates well (`deflatesWhileStreaming`), else stored; CRC-32 and
 * sizes in a data descriptor after the data.
 */
export type EntryMode = 'copy' | 'buffer' | 'stream';

/** What decides an entry's mode. */
export interface ModeInput {
  readonly name: string;
  readonly size: number;
  /** Its CRC-32 as S3 keeps it, if known: then it may be copied. */
  readonly crc?: number;
  /** Its type deflates well (the engine's `compress`): then it is deflated if it streams. */
  readonly compress?: boolean;
}

/**
 * Whether an entry that streams is deflated as it streams: when its type deflates well, unless deflate's
 * worst case could take its data past 4 GiB while the file itself is under it (its records are sized
 * for 32-bit sizes before a byte is read): such a file, of 4,095.0–4,096 MiB, is stored.
 */
export function deflatesWhileStreaming(input: Pick<ModeInput, 'size' | 'compress'>): boolean {
  const zip64 = (size: number) => needsZip64({ size, offset: 0, forceZip64: false });
  return input.compress === true && zip64(deflatedSizeBound(input.size)) === zip64(input.size);
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
 * a gap of G bytes takes at most ⌊G / partSize⌋ + 1 parts. G is at most its bytes with every head at
 * its largest, every record at its ZIP64 size, a file read whole at its stored size (it is deflated only
 * when that makes it smaller) and a file deflated as it streams at zlib's deflateBound of its size
 * (`deflatedSizeBound`: deflate may grow data that does not shrink, by about 5 bytes per 16 KiB). A
 * copied file's ranges are fewest with the longest head and never more than for the whole file.
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
      const deflated = modes[index] === 'stream' && deflatesWhileStreaming(input);
      gap += (deflated ? deflatedSizeBound(input.size) : input.size) + dataDescriptorSize(atMost);
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
  /** Method 8: a file read whole that deflate made smaller, or a file deflated as it streams. */
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
 *
 * A file deflated as it streams has no size until its end: it is opened (its header), its data appended
 * as deflate gives it, cut into parts as any data, and closed (its data descriptor, and its size for the
 * central directory).
 */
export class CopyLayout {
  readonly entries: PlannedEntry[] = [];
  private parts: PlannedPart[] = [];
  private partCount = 0;
  private pieces: Piece[] = [];
  private pending = 0;
  private offset = 0;
  /** The entry being appended to, and its data's bytes so far. */
  private open?: { index: number; dataSize: number };

  constructor(private readonly settings: PlanSettings) {}

  /** Places the next entry, its data's size known; returns the parts it completed. */
  place(input: LayoutInput): PlannedPart[] {
    const index = this.begin(input);
    if (input.mode === 'copy') this.copy(index);
    else {
      this.addData(index, 0, input.dataSize);
      this.end(index, input.dataSize);
    }
    return this.completed();
  }

  /** Opens the next entry, deflated as it streams (its data's size is known at its end): its header. */
  openEntry(input: Omit<LayoutInput, 'mode' | 'dataSize' | 'deflated'>): PlannedPart[] {
    const index = this.begin({ ...input, mode: 'stream', dataSize: 0, deflated: true });
    this.open = { index, dataSize: 0 };
    return this.completed();
  }

  /** The open entry's next `bytes` of data; returns the parts they completed. */
  append(bytes: number): PlannedPart[] {
    const open = this.opened();
    this.addData(open.index, open.dataSize, bytes);
    open.dataSize += bytes;
    return this.completed();
  }

  /** Closes the open entry: its data descriptor; its size is now known. */
  closeEntry(): PlannedPart[] {
    const { index, dataSize } = this.opened();
    this.open = undefined;
    this.end(index, dataSize);
    return this.completed();
  }

  private opened(): { index: number; dataSize: number } {
    if (!this.open) throw new Error('no entry is open');
    return this.open;
  }

  /** The entry's header; returns its index. */
  private begin(input: LayoutInput): number {
    if (this.open) throw new Error(`entry ${this.open.index} is still open`);
    const { partSize, forceZip64 } = this.settings;
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
      deflated: input.mode !== 'copy' && input.deflated,
      offset: this.offset,
      mtime: input.mtime,
      crcInHeader,
      forceZip64,
      mode: input.mode,
      head,
    };
    this.entries.push(entry);
    this.add({ kind: 'header', entry: index }, headerSize);
    return index;
  }

  /** A copied file: its head tops the part up to 5 MiB, S3 copies the rest in parts of its own. */
  private copy(index: number): void {
    const { head, size } = this.entries[index];
    if (head > 0) this.add({ kind: 'data', entry: index, start: 0, end: head }, head);
    this.flush();
    for (const [start, end] of copyRanges(head, size, this.settings.copyPartSize)) {
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
  }

  /** After an entry's data: its size in the archive, and its data descriptor if it has one. */
  private end(index: number, dataSize: number): void {
    const entry = { ...this.entries[index], dataSize };
    this.entries[index] = entry;
    const descriptor = dataDescriptorSize(entry);
    if (descriptor > 0) this.add({ kind: 'descriptor', entry: index }, descriptor);
  }

  /** The central directory and end records, last; returns the remaining parts and the archive's layout. */
  finish(): { parts: PlannedPart[]; archiveSize: number; directoryOffset: number; directorySize: number } {
    if (this.open) throw new Error(`entry ${this.open.index} is still open`);
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
    const last = this.pieces.at(-1);
    // Data appended chunk by chunk stays one piece within a part.
    if (
      piece.kind === 'data' &&
      last?.kind === 'data' &&
      last.entry === piece.entry &&
      last.end === piece.start
    )
      this.pieces[this.pieces.length - 1] = { ...last, end: piece.end };
    else this.pieces.push(piece);
    this.pending += size;
    this.offset += size;
  }

  /** The entry's data bytes [start, start + size) through the worker, cut at part boundaries. */
  private addData(entry: number, start: number, size: number): void {
    for (let at = start; at < start + size; ) {
      if (this.pending >= this.settings.partSize) this.flush();
      const take = Math.min(start + size - at, this.settings.partSize - this.pending);
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
