import { Readable } from 'node:stream';
import { GetObjectCommand, type GetObjectCommandOutput, type S3Client } from '@aws-sdk/client-s3';
import type { ObjectKey } from '../files/keys';
import { isNotFound } from '../s3/errors';
import { ZipFailedError } from './errors';

export interface PrefetchEntry {
  readonly s3Key: ObjectKey;
  readonly name: string;
  readonly size: number;
}

export interface PrefetchLimits {
  /** At most this many objects open ahead of the one being written. */
  readonly objects: number;
  /**
   * Open the next object only once fewer than this many bytes are left before it: enough to hide
   * GetObject's latency at full speed, yet no response waits long enough for S3 to drop it as idle.
   */
  readonly bytes: number;
}

/**
 * Opens each entry's GetObject a little ahead of the archive writer, so that the network never idles
 * between files, while at most `limits.objects` responses wait unread (each holds only its socket's
 * buffers). Any error, also from a response that is still waiting, goes to `onError` at once.
 */
export class ObjectPrefetcher {
  private readonly pending = new Map<number, Promise<Readable>>();
  private readonly open = new Set<Readable>();
  private readonly requests = new AbortController();
  private current = 0;
  private currentBytesLeft = 0;
  private closed = false;

  constructor(
    private readonly s3: S3Client,
    private readonly bucket: string,
    private readonly entries: readonly PrefetchEntry[],
    private readonly limits: PrefetchLimits,
    private readonly onError: (error: ZipFailedError) => void,
  ) {}

  /** The body of entry `index`, which the writer is about to stream; opens the next ones in time. */
  take(index: number): Promise<Readable> {
    const body = this.pending.get(index) ?? this.get(index);
    this.pending.delete(index);
    this.current = index;
    this.currentBytesLeft = this.entries[index].size;
    this.openAhead();
    return body;
  }

  /** Bytes of the current entry reached the writer: maybe time to open the next ones. */
  advance(bytes: number): void {
    this.currentBytesLeft -= bytes;
    this.openAhead();
  }

  /** Stops every request and stream: the zip failed. */
  close(): void {
    this.closed = true;
    this.requests.abort();
    for (const body of this.open) body.destroy();
    this.open.clear();
  }

  private openAhead(): void {
    let bytesBefore = this.currentBytesLeft;
    const last = Math.min(this.current + this.limits.objects, this.entries.length - 1);
    for (let index = this.current + 1; index <= last && bytesBefore <= this.limits.bytes; index++) {
      if (!this.pending.has(index)) this.pending.set(index, this.get(index));
      bytesBefore += this.entries[index].size;
    }
  }

  private get(index: number): Promise<Readable> {
    const entry = this.entries[index];
    const body = this.request(entry);
    // A failure of an object opened ahead stops the zip now, not when the writer reaches it.
    body.catch((error: ZipFailedError) => this.onError(error));
    return body;
  }

  private async request(entry: PrefetchEntry): Promise<Readable> {
    if (this.closed) throw new ZipFailedError('read', `Could not read "${entry.name}".`, entry.name);
    let response: GetObjectCommandOutput;
    try {
      response = await this.s3.send(new GetObjectCommand({ Bucket: this.bucket, Key: entry.s3Key }), {
        abortSignal: this.requests.signal,
      });
    } catch (error) {
      throw readError(entry, error);
    }
    const body = response.Body;
    if (!(body instanceof Readable)) throw readError(entry, new Error('GetObject returned no stream'));
    if (this.closed) {
      body.destroy();
      throw readError(entry, new Error('closed'));
    }
    this.open.add(body);
    body.on('error', (error) => this.onError(readError(entry, error)));
    body.on('close', () => this.open.delete(body));
    if (response.ContentLength !== entry.size) {
      body.destroy();
      throw changedError(entry, new Error(`size ${response.ContentLength}, expected ${entry.size}`));
    }
    return body;
  }
}

export function readError(entry: PrefetchEntry, cause: unknown): ZipFailedError {
  const status = (cause as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  // 412: the object changed since the request (If-Match); 404: it was deleted (s3/errors.ts).
  if (status === 412 || isNotFound(cause)) return changedError(entry, cause);
  return new ZipFailedError('read', `Could not read "${entry.name}".`, entry.name, { cause });
}

export function changedError(entry: PrefetchEntry, cause: unknown): ZipFailedError {
  const message = `"${entry.name}" was deleted or changed after the zip was requested.`;
  return new ZipFailedError('read', message, entry.name, { cause });
}
