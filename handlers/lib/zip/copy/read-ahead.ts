import type { Readable } from 'node:stream';
import { promisify } from 'node:util';
import { crc32, deflateRaw } from 'node:zlib';
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { ZipEntry } from '../contract';
import { changedError, readError, type ZipFailedError } from '../zip-failure';
import { StreamCursor } from './stream-cursor';

const MiB = 1024 * 1024;
/** Small files and heads read ahead of the part being assembled: count and bytes. */
const READ_AHEAD = { objects: 16, bytes: 8 * MiB };
/** zlib's deflate in its thread pool, as yazl deflates (raw, default level): the event loop stays free. */
const deflate = promisify(deflateRaw);

/** What a read gave: the bytes as the archive holds them. */
export interface ReadBytes {
  readonly bytes: Buffer;
  /** Of the source's bytes (a small file's; a head's is unused: the plan has the file's). */
  readonly crc: number;
  readonly deflated: boolean;
}

/** One source the worker reads whole (a small file) or by its head (a copied file: `head` bytes). */
export interface ReadSource {
  readonly entry: ZipEntry;
  /** Bytes to read from the start: a head's length; undefined reads the whole file. */
  readonly head?: number;
  readonly etag?: string;
  /** Deflate the file when that makes it smaller. */
  readonly compress: boolean;
}

export interface ReadAheadOptions {
  readonly s3: S3Client;
  readonly bucket: string;
  /** The reads in archive order: entry index → what to read. */
  readonly order: readonly (readonly [number, ReadSource])[];
  readonly abortable: () => { abortSignal: AbortSignal };
  /** A read that failed ahead of its use fails the job now. */
  readonly onError: (error: ZipFailedError) => void;
}

/**
 * Small files and copied files' heads, read a little ahead of the part that needs them, each once, in
 * archive order, within READ_AHEAD (16 reads, 8 MiB): each straight into one buffer of its size, a small
 * file's CRC-32 taken and the file deflated when asked and smaller.
 */
export class ReadAhead {
  private readonly reads = new Map<number, Promise<ReadBytes>>();
  private readonly position = new Map<number, number>();
  /** The window starts at order[from]; order[next] is the next read to start. */
  private from = 0;
  private next = 0;

  constructor(private readonly options: ReadAheadOptions) {
    options.order.forEach(([index], at) => {
      this.position.set(index, at);
    });
  }

  /** Entry `index`'s bytes; starts the reads after it that fit the window. */
  read(index: number): Promise<ReadBytes> {
    const { order, onError } = this.options;
    this.from = Math.max(this.from, this.position.get(index) as number);
    let bytes = 0;
    for (let at = this.from; at < order.length && at < this.from + READ_AHEAD.objects; at++) {
      if (at > this.from && bytes > READ_AHEAD.bytes) break;
      const [next, source] = order[at];
      if (at >= this.next) {
        const reading = this.fetch(source);
        reading.catch(onError);
        this.reads.set(next, reading);
        this.next = at + 1;
      }
      bytes += length(source);
    }
    return this.reads.get(index) as Promise<ReadBytes>;
  }

  /** Entry `index`'s bytes are all in parts: its buffer may go. */
  done(index: number): void {
    this.reads.delete(index);
  }

  /**
   * An empty file, or a copied file whose part already held 5 MiB (no head), has no bytes to write: its
   * read is dropped, or never started (every read before it has started, as each entry before it was
   * read when laid out or written).
   */
  skip(index: number): void {
    this.next = Math.max(this.next, (this.position.get(index) as number) + 1);
    this.reads.delete(index);
  }

  private async fetch({ entry, head, etag, compress }: ReadSource): Promise<ReadBytes> {
    const size = head ?? entry.size;
    const response = await this.options.s3
      .send(
        new GetObjectCommand({
          Bucket: this.options.bucket,
          Key: entry.s3Key,
          Range: head === undefined ? undefined : `bytes=0-${size - 1}`,
          IfMatch: etag,
        }),
        this.options.abortable(),
      )
      .catch((error: unknown) => {
        throw readError(entry, error);
      });
    const body = response.Body as Readable;
    if (response.ContentLength !== size) {
      body?.destroy();
      throw changedError(entry, new Error(`length ${response.ContentLength}, expected ${size}`));
    }
    // Straight into one buffer of the known length (transformToByteArray would hold the bytes twice).
    const bytes = Buffer.allocUnsafe(size);
    await new StreamCursor(body).readInto(bytes).catch((error: unknown) => {
      throw readError(entry, error);
    });
    if (head !== undefined) return { bytes, crc: 0, deflated: false };
    const crc = crc32(bytes);
    if (size === 0 || !compress) return { bytes, crc, deflated: false };
    const deflated = await deflate(bytes);
    return deflated.length < size
      ? { bytes: deflated, crc, deflated: true }
      : { bytes, crc, deflated: false };
  }
}

function length(source: ReadSource): number {
  return source.head ?? source.entry.size;
}
