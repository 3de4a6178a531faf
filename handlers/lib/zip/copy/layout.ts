import { MIN_PART_BYTES } from '../../../../contract/s3-limits';
import {
  centralRecordSize,
  dataDescriptorSize,
  endRecordsSize,
  localHeaderSize,
  type RecordEntry,
} from '../format/zip-records';
import { copyRanges, deflatesWhileStreaming, type EntryMode, type PlanSettings } from './entry-modes';

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

/** Where the central directory went, and the archive's size. */
export interface LayoutEnd {
  readonly archiveSize: number;
  readonly directoryOffset: number;
  readonly directorySize: number;
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
  /** Set by `finish`: where the directory goes, before its part is written. */
  finished?: LayoutEnd;
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
  finish(): LayoutEnd & { parts: PlannedPart[] } {
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
    this.finished = { archiveSize: this.offset, directoryOffset, directorySize };
    return { parts: this.completed(), ...this.finished };
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

/** An entry as the layout loop sees it. */
export interface LayoutEntry {
  readonly name: string;
  readonly size: number;
  readonly mtime: Date;
  /** Its type deflates well: it is deflated if it streams (`deflatesWhileStreaming`). */
  readonly compress: boolean;
}

/** Where the layout loop learns each entry's data size, as the bytes become known. */
export interface LayoutSource {
  /** An entry read whole: its data's size in the archive once read (deflated when that pays). */
  whole(index: number): Promise<{ dataSize: number; deflated: boolean }>;
  /** An entry deflated as it streams: `append` each deflated chunk's length, in order, waiting on each. */
  streamed(index: number, append: (bytes: number) => Promise<void>): Promise<void>;
  /** An entry was placed (the copy engine drops a read it will not use). */
  placed?(entry: PlannedEntry): void;
}

/**
 * The copy engine's layout loop, in archive order: places each entry once its data's size is known and
 * hands the parts each step completes to `write` (which may wait: the back-pressure on the reads). The
 * engine and the layout tests both run this one loop.
 */
export async function layOutEntries(
  layout: CopyLayout,
  entries: readonly LayoutEntry[],
  modes: readonly EntryMode[],
  source: LayoutSource,
  write: (parts: PlannedPart[]) => Promise<void>,
): Promise<LayoutEnd> {
  for (const [index, entry] of entries.entries()) {
    const mode = modes[index];
    const { name, size, mtime } = entry;
    if (mode === 'stream' && deflatesWhileStreaming(entry)) {
      await write(layout.openEntry({ name, size, mtime }));
      await source.streamed(index, (bytes) => write(layout.append(bytes)));
      await write(layout.closeEntry());
      continue;
    }
    const { dataSize, deflated } =
      mode === 'buffer' ? await source.whole(index) : { dataSize: size, deflated: false };
    const parts = layout.place({ name, size, mtime, mode, dataSize, deflated });
    source.placed?.(layout.entries[index]);
    await write(parts);
  }
  const end = layout.finish();
  await write(end.parts);
  return end;
}
