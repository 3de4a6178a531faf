import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { crc32, createDeflateRaw } from 'node:zlib';

/** Deflate's output chunks: larger than zlib's 16 KiB default, fewer hand-overs for the same bytes. */
const CHUNK_BYTES = 64 * 1024;

/**
 * A source stream deflated as it is read (raw deflate, zlib's default parameters, as yazl deflates), its
 * CRC-32 and size taken on the way. Deflated chunks wait here until the part that holds them takes them,
 * so memory is what the parts being assembled hold plus zlib's own buffers: nothing is read ahead of
 * what is taken but the streams' buffers (back-pressure from the consumer of `chunks`).
 */
export class DeflatingSource {
  /** Of the source bytes read so far. */
  crc = 0;
  /** Source bytes read so far. */
  read = 0;
  /** All deflated bytes are queued (the source ended and deflate finished). */
  ended = false;
  private readonly deflater = createDeflateRaw({ chunkSize: CHUNK_BYTES });
  private queue: Buffer[] = [];

  constructor(
    private readonly source: Readable,
    private readonly onRead: (bytes: number) => void,
  ) {}

  /** Deflates the source to its end; yields each deflated chunk's length once it is queued. */
  async *chunks(): AsyncGenerator<number> {
    const feeding = pipeline(this.source, this.counted.bind(this), this.deflater);
    // A failure anywhere destroys the deflater with it, and so surfaces in the loop below.
    feeding.catch(() => {});
    for await (const chunk of this.deflater as AsyncIterable<Buffer>) {
      this.queue.push(chunk);
      yield chunk.length;
    }
    await feeding;
    this.ended = true;
  }

  /** Fills `target` with the next queued deflated bytes (the layout placed them: they are here). */
  take(target: Buffer): void {
    let at = 0;
    while (at < target.length) {
      const chunk = this.queue[0];
      if (!chunk) throw new Error(`${target.length - at} deflated bytes taken before deflate gave them`);
      const taken = chunk.copy(target, at);
      at += taken;
      if (taken === chunk.length) this.queue.shift();
      else this.queue[0] = chunk.subarray(taken);
    }
  }

  /** Nothing is left to take. */
  get drained(): boolean {
    return this.ended && this.queue.length === 0;
  }

  close(): void {
    this.source.destroy();
    this.deflater.destroy();
    this.queue = [];
  }

  private async *counted(chunks: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
    for await (const chunk of chunks) {
      this.crc = crc32(chunk, this.crc);
      this.read += chunk.length;
      this.onRead(chunk.length);
      yield chunk;
    }
  }
}
