import type { Readable } from 'node:stream';

/** Fills buffers from a stream, exactly, with no copy of the stream's chunks kept but a leftover. */
export class StreamCursor {
  private readonly chunks: AsyncIterator<Buffer>;
  private leftover: Buffer = Buffer.alloc(0);
  constructor(private readonly stream: Readable) {
    this.chunks = stream[Symbol.asyncIterator]();
  }
  async readInto(target: Buffer): Promise<void> {
    let have = this.leftover.copy(target, 0);
    this.leftover = this.leftover.subarray(have);
    while (have < target.length) {
      const next = await this.chunks.next();
      if (next.done) throw new Error(`stream ended ${target.length - have} bytes early`);
      const taken = next.value.copy(target, have);
      have += taken;
      this.leftover = next.value.subarray(taken);
    }
  }
  close(): void {
    this.stream.destroy();
  }
}
