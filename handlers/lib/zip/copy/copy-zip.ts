import type { Readable } from 'node:stream';
import { promisify } from 'node:util';
import { crc32, deflateRaw } from 'node:zlib';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  UploadPartCommand,
  UploadPartCopyCommand,
} from '@aws-sdk/client-s3';
import { multipartETag } from '../../s3/etag';
import { headObject } from '../../s3/head';
import { isCompressible } from '../compression';
import { centralRecord, dataDescriptor, endRecords, localHeader } from '../format/zip-records';
import { archiveSizeBound, partSizeFor } from '../part-size';
import { sourceChecksums } from '../source-checksums';
import { changedError, readError } from '../yazl-stream/prefetch';
import {
  checkEntries,
  stoppedError,
  uploadError,
  type ZipEntry,
  type ZipToS3Options,
} from '../yazl-stream/yazl-zip';
import { ZipFailedError } from '../zip-failure';
import { DeflatingSource } from './deflating-source';
import {
  CopyLayout,
  deflatesWhileStreaming,
  type EntryMode,
  entryModes,
  maxHead,
  type PlannedEntry,
  type PlannedPart,
  type PlanSettings,
} from './layout';
import { Slots } from './semaphore';
import { StreamCursor } from './stream-cursor';

const MiB = 1024 * 1024;

export interface CopyZipOptions extends Omit<ZipToS3Options, 'compress' | 'queueSize' | 'prefetch'> {
  /**
   * Whether to deflate a file that passes through the worker: one read whole (under `copyFrom`) is
   * deflated only if that makes it smaller; one without a CRC-32 from `copyFrom` on is deflated as it
   * streams. Copied files are stored.
   * @default deflate only types that usually shrink (text, csv, json…), as the streaming engine does
   */
  readonly compress?: (entry: ZipEntry) => boolean;
  /** Bytes per UploadPartCopy. @default 64 MiB */
  readonly copyPartSize?: number;
  /** UploadPartCopy requests at once (they cost the worker no memory). @default 8 */
  readonly copyConcurrency?: number;
  /** Parts the worker uploads at once; memory holds about this many parts. @default 4 */
  readonly uploadConcurrency?: number;
  /** Files from this size with a CRC-32 in S3 are copied; smaller ones pass through the worker. @default 10 MiB */
  readonly copyFrom?: number;
}

export interface CopyZipResult {
  readonly size: number;
  readonly etag: string;
  /** Source bytes that passed through the worker (small files, heads, files without a CRC-32). */
  readonly workerBytes: number;
  /** Source bytes that S3 copied. */
  readonly copiedBytes: number;
}

const DEFAULTS = { copyPartSize: 64 * MiB, copyConcurrency: 8, uploadConcurrency: 4, copyFrom: 10 * MiB };
/** Small files and heads read ahead of the part being assembled: count and bytes. */
const READ_AHEAD = { objects: 16, bytes: 8 * MiB };
/** zlib's deflate in its thread pool, as yazl deflates (raw, default level): the event loop stays free. */
const deflate = promisify(deflateRaw);

/**
 * Writes a zip of the entries under `targetKey` as zipToS3 does (same names, sizes, ZIP64 rules,
 * progress, failures and clean-up), but lets S3 copy the bytes of every large file whose CRC-32 S3 has
 * (UploadPartCopy): its local header carries CRC and sizes, and the worker reads only the head that fills
 * the part before it to 5 MiB. Small files pass through the worker whole, deflated when `compress` says
 * so and it makes them smaller; files without a CRC-32 stream through it with a data descriptor (as the
 * streaming engine writes them), deflated as they stream when `compress` says so. Copied files are
 * stored: S3 copies bytes as they are.
 */
export async function zipByCopy(options: CopyZipOptions): Promise<CopyZipResult> {
  checkEntries(options.entries);
  if (options.signal?.aborted) throw stoppedError(options.signal);
  return new CopyZip(options).run();
}

class CopyZip {
  private readonly settings: PlanSettings & { copyConcurrency: number; uploadConcurrency: number };
  private readonly requests = new AbortController();
  private failure?: ZipFailedError;
  private uploadId?: string;
  private readonly partETags = new Map<number, string>();
  private readonly crcs: number[];
  private readonly etags: (string | undefined)[];
  private readonly remaining: number[];
  private readonly deflated: boolean[];
  /** Read whole or by their heads, in archive order: the entries' indices, and each one's position. */
  private readOrder: number[] = [];
  private readonly readPosition = new Map<number, number>();
  private readonly reads = new Map<number, Promise<Buffer>>();
  /** The read-ahead window starts at readOrder[readFrom]; readOrder[nextFetch] is the next read to start. */
  private readFrom = 0;
  private nextFetch = 0;
  private readonly streams = new Map<number, StreamCursor>();
  /** Files deflated as they stream, until their last deflated byte is in a part. */
  private readonly deflating = new Map<number, DeflatingSource>();
  private readonly compress: (entry: ZipEntry) => boolean;
  private readonly inFlight = new Set<Promise<void>>();
  private filesDone = 0;
  private bytesDone = 0;
  private nextReportAt = 0;
  private workerBytes = 0;
  private copiedBytes = 0;
  private modes: EntryMode[] = [];
  private placed: PlannedEntry[] = [];
  private archive = { size: 0, directoryOffset: 0, directorySize: 0 };

  constructor(private readonly options: CopyZipOptions) {
    this.settings = {
      copyPartSize: options.copyPartSize ?? DEFAULTS.copyPartSize,
      copyConcurrency: options.copyConcurrency ?? DEFAULTS.copyConcurrency,
      uploadConcurrency: options.uploadConcurrency ?? DEFAULTS.uploadConcurrency,
      copyFrom: options.copyFrom ?? DEFAULTS.copyFrom,
      // Raised, as the streaming engine does, when the archive would not fit S3's 10,000 parts.
      partSize: partSizeFor(archiveSizeBound(options.entries), options.partSizeBytes),
      forceZip64: options.forceZip64 ?? false,
    };
    this.crcs = options.entries.map(() => 0);
    this.deflated = options.entries.map(() => false);
    this.etags = options.entries.map(() => undefined);
    this.remaining = options.entries.map((entry) => entry.size);
    this.compress = options.compress ?? ((file: ZipEntry) => isCompressible(file.name));
  }

  async run(): Promise<CopyZipResult> {
    const { signal } = this.options;
    const stop = () => this.fail(stoppedError(signal));
    signal?.addEventListener('abort', stop, { once: true });
    let completing = false;
    try {
      const known = await sourceChecksums({
        ...this.options,
        ...this.settings,
        abortable: () => this.abortable(),
      });
      known.forEach(({ etag }, index) => {
        this.etags[index] = etag;
      });
      this.modes = entryModes(
        this.options.entries.map((entry, index) => ({
          name: entry.name,
          size: entry.size,
          crc: known[index].crc,
          compress: this.compress(entry),
        })),
        this.settings,
      );
      this.modes.forEach((mode, index) => {
        if (mode === 'copy') this.crcs[index] = known[index].crc as number;
        if (mode === 'copy' || mode === 'buffer') {
          this.readPosition.set(index, this.readOrder.length);
          this.readOrder.push(index);
        }
      });
      await this.createUpload();
      await this.writeParts();
      completing = true;
      const etag = await this.complete();
      return {
        size: this.archive.size,
        etag,
        workerBytes: this.workerBytes,
        copiedBytes: this.copiedBytes,
      };
    } catch (error) {
      const reason = this.failure ?? (error instanceof ZipFailedError ? error : uploadError(error));
      this.fail(reason);
      await Promise.allSettled(this.inFlight);
      const etag = completing ? await this.ownArchiveETag() : undefined;
      if (etag)
        return {
          size: this.archive.size,
          etag,
          workerBytes: this.workerBytes,
          copiedBytes: this.copiedBytes,
        };
      await this.abortUpload();
      throw reason;
    } finally {
      signal?.removeEventListener('abort', stop);
    }
  }

  private async createUpload(): Promise<void> {
    const { bucket, targetKey } = this.options;
    const created = await this.options.s3
      .send(
        new CreateMultipartUploadCommand({ Bucket: bucket, Key: targetKey, ContentType: 'application/zip' }),
        this.abortable(),
      )
      .catch((error: unknown) => {
        throw uploadError(error);
      });
    this.uploadId = created.UploadId;
    if (!this.uploadId) throw uploadError(new Error('CreateMultipartUpload returned no upload id'));
  }

  /**
   * Lays the entries out in order, each once its data's size is known (a small file's once it is read and
   * deflated), and writes the parts that completes while copies and uploads run, each kind within its
   * limit.
   */
  private async writeParts(): Promise<void> {
    const copies = new Slots(this.settings.copyConcurrency);
    const uploads = new Slots(this.settings.uploadConcurrency);
    const write = async (parts: PlannedPart[]) => {
      for (const part of parts) {
        this.check();
        if (part.kind === 'copy') {
          await copies.take();
          this.start(this.copyPart(part), copies);
        } else {
          const body = await this.assemble(part);
          await uploads.take();
          this.start(this.uploadPart(part.partNumber, body), uploads);
        }
      }
    };
    const layout = new CopyLayout(this.settings);
    this.placed = layout.entries;
    for (const [index, entry] of this.options.entries.entries()) {
      this.check();
      const mode = this.modes[index];
      const mtime = entry.lastModified ?? new Date();
      if (mode === 'stream' && deflatesWhileStreaming({ size: entry.size, compress: this.compress(entry) })) {
        await write(layout.openEntry({ name: entry.name, size: entry.size, mtime }));
        await this.streamDeflated(index, (bytes) => write(layout.append(bytes)));
        await write(layout.closeEntry());
        continue;
      }
      const data = mode === 'buffer' ? await this.read(index) : undefined;
      const dataSize = data?.length ?? entry.size;
      const deflated = this.deflated[index];
      const parts = layout.place({ name: entry.name, size: entry.size, mtime, mode, dataSize, deflated });
      const unused = mode === 'copy' ? this.placed[index].head === 0 : mode === 'buffer' && dataSize === 0;
      if (unused) this.skipRead(index);
      await write(parts);
    }
    const { parts, archiveSize, directoryOffset, directorySize } = layout.finish();
    this.archive = { size: archiveSize, directoryOffset, directorySize };
    await write(parts);
    while (this.inFlight.size > 0) await Promise.allSettled(this.inFlight);
    this.check();
  }

  private start(task: Promise<void>, slots: Slots): void {
    const tracked = task
      .catch((error: unknown) => this.fail(asZipError(error)))
      .finally(() => {
        slots.give();
        this.inFlight.delete(tracked);
      });
    this.inFlight.add(tracked);
  }

  private async copyPart(part: Extract<PlannedPart, { kind: 'copy' }>): Promise<void> {
    const { bucket, targetKey } = this.options;
    const entry = this.options.entries[part.entry];
    const copied = await this.options.s3
      .send(
        new UploadPartCopyCommand({
          Bucket: bucket,
          Key: targetKey,
          UploadId: this.uploadId,
          PartNumber: part.partNumber,
          CopySource: `${bucket}/${entry.s3Key.split('/').map(encodeURIComponent).join('/')}`,
          CopySourceRange: `bytes=${part.start}-${part.end - 1}`,
          CopySourceIfMatch: this.etags[part.entry],
        }),
        this.abortable(),
      )
      .catch((error: unknown) => {
        throw copyError(entry, error);
      });
    const etag = copied.CopyPartResult?.ETag;
    if (!etag) throw uploadError(new Error('UploadPartCopy returned no ETag'));
    this.partETags.set(part.partNumber, etag);
    this.copiedBytes += part.size;
    this.progress(part.entry, part.size);
  }

  private async uploadPart(partNumber: number, body: Buffer): Promise<void> {
    const { bucket, targetKey } = this.options;
    const uploaded = await this.options.s3
      .send(
        new UploadPartCommand({
          Bucket: bucket,
          Key: targetKey,
          UploadId: this.uploadId,
          PartNumber: partNumber,
          Body: body,
        }),
        this.abortable(),
      )
      .catch((error: unknown) => {
        throw uploadError(error);
      });
    if (!uploaded.ETag) throw uploadError(new Error('UploadPart returned no ETag'));
    this.partETags.set(partNumber, uploaded.ETag);
  }

  /**
   * The bytes of one part the worker uploads (headers with their CRC-32, file data, the directory),
   * written straight into one buffer of the part's planned size: no piece is held twice.
   */
  private async assemble(part: Extract<PlannedPart, { kind: 'upload' }>): Promise<Buffer> {
    const body = Buffer.allocUnsafe(part.size);
    let at = 0;
    for (const piece of part.pieces) {
      this.check();
      if (piece.kind === 'directory') {
        at += this.directory().copy(body, at);
        continue;
      }
      const entry = this.placed[piece.entry];
      if (piece.kind === 'header') {
        at += localHeader(entry, this.crcs[entry.index]).copy(body, at);
        if (entry.size === 0) this.progress(entry.index, 0);
      } else if (piece.kind === 'descriptor') {
        at += dataDescriptor(entry, this.crcs[entry.index]).copy(body, at);
      } else {
        const length = piece.end - piece.start;
        await this.data(entry, piece.start, piece.end, body.subarray(at, at + length));
        at += length;
        // Source bytes: a file read whole and deflated counts whole with its last piece; one deflated
        // as it streams counted its bytes as they were read.
        const streamed = entry.mode === 'stream';
        const read = !entry.deflated ? length : !streamed && piece.end === entry.dataSize ? entry.size : 0;
        this.workerBytes += read;
        if (read > 0) this.progress(entry.index, read);
      }
    }
    if (at !== part.size)
      throw uploadError(new Error(`part ${part.partNumber}: ${at} bytes, planned ${part.size}`));
    return body;
  }

  /** Bytes [start, end) of an entry the worker reads, into `target`. */
  private async data(entry: PlannedEntry, start: number, end: number, target: Buffer): Promise<void> {
    const deflating = this.deflating.get(entry.index);
    if (deflating) {
      deflating.take(target);
      if (deflating.drained) this.deflating.delete(entry.index);
      return;
    }
    if (entry.mode === 'stream') {
      let cursor = this.streams.get(entry.index);
      if (!cursor) {
        cursor = new StreamCursor(await this.openStream(entry.index));
        this.streams.set(entry.index, cursor);
      }
      await cursor.readInto(target).catch((error: unknown) => {
        throw readError(this.options.entries[entry.index], error);
      });
      this.crcs[entry.index] = crc32(target, this.crcs[entry.index]);
      if (end === entry.size) this.streams.delete(entry.index);
      return;
    }
    const whole = await this.read(entry.index);
    whole.copy(target, 0, start, end);
    const last = entry.mode === 'buffer' ? entry.dataSize : entry.head;
    if (end === last) this.reads.delete(entry.index);
  }

  /**
   * A small file whole (deflated when that pays), or a copied file's longest head: read a little ahead
   * of the part that needs it, each once, in archive order, within READ_AHEAD.
   */
  private read(index: number): Promise<Buffer> {
    this.readFrom = Math.max(this.readFrom, this.readPosition.get(index) as number);
    let bytes = 0;
    for (let i = this.readFrom; i < this.readOrder.length && i < this.readFrom + READ_AHEAD.objects; i++) {
      if (i > this.readFrom && bytes > READ_AHEAD.bytes) break;
      const next = this.readOrder[i];
      if (i >= this.nextFetch) {
        const reading = this.fetch(next);
        reading.catch((error: unknown) => this.fail(asZipError(error)));
        this.reads.set(next, reading);
        this.nextFetch = i + 1;
      }
      bytes += this.readLength(next);
    }
    return this.reads.get(index) as Promise<Buffer>;
  }

  /**
   * An empty file, or a copied file whose part already held 5 MiB (no head), has no bytes to write: its
   * read is dropped, or never started (every read before it has started, as each entry before it was
   * read when laid out or written).
   */
  private skipRead(index: number): void {
    this.nextFetch = Math.max(this.nextFetch, (this.readPosition.get(index) as number) + 1);
    this.reads.delete(index);
  }

  private readLength(index: number): number {
    const entry = this.options.entries[index];
    return this.modes[index] === 'copy' ? maxHead(entry, this.settings.forceZip64) : entry.size;
  }

  /**
   * Reads a small file or a copied file's longest head (the layout decides later how much of it is
   * used). A small file's CRC-32 is taken here; it is then deflated if asked and if that makes it smaller.
   */
  private async fetch(index: number): Promise<Buffer> {
    const entry = this.options.entries[index];
    const copied = this.modes[index] === 'copy';
    const length = this.readLength(index);
    const response = await this.options.s3
      .send(
        new GetObjectCommand({
          Bucket: this.options.bucket,
          Key: entry.s3Key,
          Range: copied ? `bytes=0-${length - 1}` : undefined,
          IfMatch: this.etags[index],
        }),
        this.abortable(),
      )
      .catch((error: unknown) => {
        throw readError(entry, error);
      });
    const body = response.Body as Readable;
    if (response.ContentLength !== length) {
      body?.destroy();
      throw changedError(entry, new Error(`length ${response.ContentLength}, expected ${length}`));
    }
    // Straight into one buffer of the known length (transformToByteArray would hold the bytes twice).
    const bytes = Buffer.allocUnsafe(length);
    try {
      await new StreamCursor(body).readInto(bytes);
    } catch (error) {
      throw readError(entry, error);
    }
    if (copied) return bytes;
    this.crcs[index] = crc32(bytes);
    const compress = this.options.compress ?? ((file: ZipEntry) => isCompressible(file.name));
    if (length === 0 || !compress(entry)) return bytes;
    const deflated = await deflate(bytes);
    if (deflated.length >= length) return bytes;
    this.deflated[index] = true;
    return deflated;
  }

  /**
   * Streams a file through deflate, handing each deflated chunk's length to `placed` (which lays it out
   * and writes the parts it completes, waiting for an upload slot when all are busy: the back-pressure
   * that keeps the source from being read ahead). Its CRC-32 is known at its end.
   */
  private async streamDeflated(index: number, placed: (bytes: number) => Promise<void>): Promise<void> {
    const entry = this.options.entries[index];
    const source = new DeflatingSource(await this.openStream(index), (bytes) => {
      this.workerBytes += bytes;
      this.progress(index, bytes);
    });
    this.deflating.set(index, source);
    try {
      for await (const bytes of source.chunks()) await placed(bytes);
    } catch (error) {
      source.close();
      throw this.failure ?? (error instanceof ZipFailedError ? error : readError(entry, error));
    }
    if (source.read !== entry.size)
      throw changedError(entry, new Error(`read ${source.read} bytes, expected ${entry.size}`));
    this.crcs[index] = source.crc;
    if (source.drained) this.deflating.delete(index);
  }

  private async openStream(index: number): Promise<Readable> {
    const entry = this.options.entries[index];
    const response = await this.options.s3
      .send(new GetObjectCommand({ Bucket: this.options.bucket, Key: entry.s3Key }), this.abortable())
      .catch((error: unknown) => {
        throw readError(entry, error);
      });
    const body = response.Body as Readable;
    if (response.ContentLength !== entry.size) {
      body.destroy();
      throw changedError(entry, new Error(`size ${response.ContentLength}, expected ${entry.size}`));
    }
    return body;
  }

  private directory(): Buffer {
    const { directoryOffset, directorySize } = this.archive;
    const entries = this.placed;
    return Buffer.concat([
      ...entries.map((entry) => centralRecord(entry, this.crcs[entry.index])),
      endRecords({
        entries: entries.length,
        offset: directoryOffset,
        size: directorySize,
        forceZip64: this.options.forceZip64 ?? false,
      }),
    ]);
  }

  private progress(index: number, bytes: number): void {
    this.bytesDone += bytes;
    this.remaining[index] -= bytes;
    const fileDone = this.remaining[index] === 0;
    if (fileDone) this.filesDone += 1;
    if (fileDone || this.bytesDone >= this.nextReportAt) {
      this.nextReportAt = this.bytesDone + this.settings.partSize;
      this.options.onProgress?.({ filesDone: this.filesDone, bytesDone: this.bytesDone });
    }
  }

  private async complete(): Promise<string> {
    const { bucket, targetKey } = this.options;
    const parts = [...this.partETags]
      .sort(([a], [b]) => a - b)
      .map(([PartNumber, ETag]) => ({ PartNumber, ETag }));
    try {
      const done = await this.options.s3.send(
        new CompleteMultipartUploadCommand({
          Bucket: bucket,
          Key: targetKey,
          UploadId: this.uploadId,
          MultipartUpload: { Parts: parts },
        }),
        this.abortable(),
      );
      return done.ETag ?? '';
    } catch (error) {
      throw new ZipFailedError('complete', 'Could not finish the archive in storage.', undefined, {
        cause: error,
      });
    }
  }

  /** As in zipToS3: a Complete whose answer was lost made this run's archive when the ETags agree. */
  private async ownArchiveETag(): Promise<string | undefined> {
    const { s3, bucket, targetKey } = this.options;
    const head = await headObject(s3, bucket, targetKey).catch(() => undefined);
    const parts = [...this.partETags].sort(([a], [b]) => a - b).map(([, etag]) => etag);
    return head?.ETag && head.ETag === multipartETag(parts) ? head.ETag : undefined;
  }

  private async abortUpload(): Promise<void> {
    if (!this.uploadId) return;
    const { s3, bucket, targetKey } = this.options;
    await s3
      .send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: targetKey, UploadId: this.uploadId }))
      .catch(() => {});
  }

  /** Options for every request: cancelled on the first failure; none starts after it. */
  private abortable(): { abortSignal: AbortSignal } {
    this.check();
    return { abortSignal: this.requests.signal };
  }

  private check(): void {
    if (this.failure) throw this.failure;
  }

  /** The first failure wins: every request in flight is cancelled and every open stream closed. */
  private fail(error: ZipFailedError): void {
    if (this.failure) return;
    this.failure = error;
    this.requests.abort(error);
    for (const cursor of this.streams.values()) cursor.close();
    for (const source of this.deflating.values()) source.close();
  }
}

function asZipError(error: unknown): ZipFailedError {
  return error instanceof ZipFailedError ? error : uploadError(error);
}

/** A copy whose source is gone or changed (404/403, or 412 from CopySourceIfMatch) names the file. */
function copyError(entry: ZipEntry, cause: unknown): ZipFailedError {
  const error = readError(entry, cause);
  return error.message.includes('deleted or changed') ? error : uploadError(cause);
}

/** Copies in flight by default; the bench runs its floor of any copy engine with as many. */
export const COPY_CONCURRENCY = DEFAULTS.copyConcurrency;
