import type { Readable } from 'node:stream';
import { crc32 } from 'node:zlib';
import type { ZipEntry } from '../contract';
import { dataDescriptor, localHeader } from '../format/zip-records';
import { changedError, readError, uploadError, ZipFailedError } from '../zip-failure';
import { DeflatingSource } from './deflating-source';
import type { PlannedEntry, PlannedPart } from './layout';
import type { ReadAhead } from './read-ahead';
import { StreamCursor } from './stream-cursor';

/** What assembling parts needs of the engine. */
export interface AssemblyContext {
  readonly entries: readonly ZipEntry[];
  /** The layout's entries, as placed so far. */
  readonly placed: readonly PlannedEntry[];
  /** Each entry's CRC-32: from the plan (copied), the read (small) or as its bytes pass (streamed). */
  readonly crcs: number[];
  readonly reads: ReadAhead;
  /** GetObject of a whole source, its size checked. */
  openStream(index: number): Promise<Readable>;
  /** The central directory and end records. */
  directory(): Buffer;
  /** Source bytes of entry `index` reached the archive through the worker. */
  passed(index: number, bytes: number): void;
  /** Throws the job's failure, if any. */
  check(): void;
}

/**
 * Writes the bytes of the parts the worker uploads (headers with their CRC-32, file data, descriptors,
 * the directory) straight into one buffer of each part's planned size: no piece is held twice. Holds
 * the sources that stream through the worker: stored ones read as parts need them, deflated ones as
 * deflate gives them.
 */
export class PartAssembler {
  private readonly streams = new Map<number, StreamCursor>();
  private readonly deflating = new Map<number, DeflatingSource>();

  constructor(private readonly context: AssemblyContext) {}

  async assemble(part: Extract<PlannedPart, { kind: 'upload' }>): Promise<Buffer> {
    const { placed, crcs } = this.context;
    const body = Buffer.allocUnsafe(part.size);
    let at = 0;
    for (const piece of part.pieces) {
      this.context.check();
      if (piece.kind === 'directory') {
        at += this.context.directory().copy(body, at);
        continue;
      }
      const entry = placed[piece.entry];
      if (piece.kind === 'header') {
        at += localHeader(entry, crcs[entry.index]).copy(body, at);
        if (entry.size === 0) this.context.passed(entry.index, 0);
      } else if (piece.kind === 'descriptor') {
        at += dataDescriptor(entry, crcs[entry.index]).copy(body, at);
      } else {
        const length = piece.end - piece.start;
        await this.data(entry, piece.start, piece.end, body.subarray(at, at + length));
        at += length;
        // Source bytes: a file read whole and deflated counts whole with its last piece; one deflated
        // as it streams counted its bytes as they were read.
        const streamed = entry.mode === 'stream';
        const read = !entry.deflated ? length : !streamed && piece.end === entry.dataSize ? entry.size : 0;
        if (read > 0) this.context.passed(entry.index, read);
      }
    }
    if (at !== part.size)
      throw uploadError(new Error(`part ${part.partNumber}: ${at} bytes, planned ${part.size}`));
    return body;
  }

  /**
   * Streams a file through deflate, handing each deflated chunk's length to `append` (which lays it out
   * and writes the parts it completes, waiting for an upload slot when all are busy: the back-pressure
   * that keeps the source from being read ahead). Its CRC-32 is known at its end.
   */
  async streamed(index: number, append: (bytes: number) => Promise<void>): Promise<void> {
    const entry = this.context.entries[index];
    const source = new DeflatingSource(await this.context.openStream(index), (bytes) =>
      this.context.passed(index, bytes),
    );
    this.deflating.set(index, source);
    try {
      for await (const bytes of source.chunks()) await append(bytes);
    } catch (error) {
      source.close();
      this.context.check();
      throw error instanceof ZipFailedError ? error : readError(entry, error);
    }
    if (source.read !== entry.size)
      throw changedError(entry, new Error(`read ${source.read} bytes, expected ${entry.size}`));
    this.context.crcs[index] = source.crc;
    if (source.drained) this.deflating.delete(index);
  }

  /** Stops every source that streams: the job failed. */
  close(): void {
    for (const cursor of this.streams.values()) cursor.close();
    for (const source of this.deflating.values()) source.close();
  }

  /** Bytes [start, end) of an entry the worker reads, into `target`. */
  private async data(entry: PlannedEntry, start: number, end: number, target: Buffer): Promise<void> {
    const { crcs, reads } = this.context;
    const deflating = this.deflating.get(entry.index);
    if (deflating) {
      deflating.take(target);
      if (deflating.drained) this.deflating.delete(entry.index);
      return;
    }
    if (entry.mode === 'stream') {
      let cursor = this.streams.get(entry.index);
      if (!cursor) {
        cursor = new StreamCursor(await this.context.openStream(entry.index));
        this.streams.set(entry.index, cursor);
      }
      await cursor.readInto(target).catch((error: unknown) => {
        throw readError(this.context.entries[entry.index], error);
      });
      crcs[entry.index] = crc32(target, crcs[entry.index]);
      if (end === entry.size) this.streams.delete(entry.index);
      return;
    }
    const { bytes } = await reads.read(entry.index);
    bytes.copy(target, 0, start, end);
    const last = entry.mode === 'buffer' ? entry.dataSize : entry.head;
    if (end === last) reads.done(entry.index);
  }
}
