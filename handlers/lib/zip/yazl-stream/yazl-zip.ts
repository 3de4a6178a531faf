import { PassThrough, type Readable } from 'node:stream';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  type CreateMultipartUploadCommandOutput,
  PutObjectCommand,
  type S3Client,
  UploadPartCommand,
  type UploadPartCommandOutput,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { ZipFile } from 'yazl';
import type { ObjectKey } from '../../files/keys';
import { multipartETag } from '../../s3/etag';
import { headObject } from '../../s3/head';
import { isCompressible } from '../compression';
import { archiveEntryNames } from '../names';
import { archiveSizeBound, partSizeFor } from '../part-size';
import { ZipFailedError } from '../zip-failure';
import { type S3CallWatcher, watchedClient } from './call-watch';
import { giveYazlNativeCrc32 } from './native-crc';
import { ObjectPrefetcher } from './prefetch';

export { archiveEntryNames } from '../names';
export { ZipFailedError, type ZipFailureStage } from '../zip-failure';

export interface ZipEntry {
  readonly s3Key: ObjectKey;
  /** The path inside the archive, from archiveEntryNames. */
  readonly name: string;
  /** The object's size in bytes, as listed when the job was made; a different size fails the zip. */
  readonly size: number;
  /** The date the archive shows for the file. @default the time of zipping */
  readonly lastModified?: Date;
}

export interface ZipProgress {
  readonly filesDone: number;
  /** Bytes of the source files read into the archive so far. */
  readonly bytesDone: number;
}

export interface ZipToS3Options {
  readonly s3: S3Client;
  readonly bucket: string;
  readonly entries: readonly ZipEntry[];
  /** Where the archive goes, under zip/<identityId>/. */
  readonly targetKey: ObjectKey;
  /** Raised by itself when the archive would need more than 10,000 parts. @default 8 MiB */
  readonly partSizeBytes?: number;
  /** Parts uploaded at once; memory holds about queueSize + 1 parts. @default 4 */
  readonly queueSize?: number;
  /** Objects opened ahead of the one being written (within 16 MiB of it). @default 8 */
  readonly prefetch?: number;
  /** Whether to deflate an entry. @default deflate only types that usually shrink (text, csv, json…) */
  readonly compress?: (entry: ZipEntry) => boolean;
  /** Called after each file and at least every part's worth of bytes; the caller throttles its writes. */
  readonly onProgress?: (progress: ZipProgress) => void;
  /** Stops the zip (e.g. shortly before the Lambda's end): the upload is aborted, nothing is left. */
  readonly signal?: AbortSignal;
  /** Writes ZIP64 records even for a small archive (yazl switches by itself above the limits). */
  readonly forceZip64?: boolean;
}

giveYazlNativeCrc32();

const DEFAULT_QUEUE_SIZE = 4;
const DEFAULT_PREFETCH = 8;
const PREFETCH_BYTES = 16 * 1024 * 1024;

/**
 * Streams the entries' objects into one zip, written under `targetKey` by one multipart upload, in flat
 * memory whatever the archive's size. Any failure aborts the upload, so that no partial archive is
 * left, and rejects with a ZipFailedError that says which entry or stage failed.
 */
export async function zipToS3(options: ZipToS3Options): Promise<{ size: number; etag: string }> {
  checkEntries(options.entries);
  if (options.signal?.aborted) throw stoppedError(options.signal);
  const partSize = partSizeFor(archiveSizeBound(options.entries), options.partSizeBytes);
  return new ArchiveUpload(options, partSize).run();
}

/** One zip's run: the state that decides what failed and what to clean up. */
class ArchiveUpload implements S3CallWatcher {
  private readonly s3: S3Client;
  private readonly zip = new ZipFile();
  private readonly output: Readable;
  private readonly prefetcher: ObjectPrefetcher;
  private readonly writes = new AbortController();
  private failure?: ZipFailedError;
  private uploadId?: string;
  private uploadAborted = false;
  private readonly partETags = new Map<number, string>();
  private completeFailed = false;
  private uploadedBytes = 0;
  private currentName = '';
  private filesDone = 0;
  private bytesDone = 0;
  private nextReportAt = 0;

  constructor(
    private readonly options: ZipToS3Options,
    private readonly partSize: number,
  ) {
    this.s3 = watchedClient(options.s3, this);
    // lib-storage reads its Body with `for await`, and a byte stream's iterator first joins all the
    // chunks it holds into a new buffer: one more copy of the whole archive. An object-mode readable
    // side hands yazl's chunks over as they are.
    this.output = (this.zip.outputStream as Readable).pipe(new PassThrough({ readableObjectMode: true }));
    // The upload reads `output` and sees its errors; this listener only keeps a late one from crashing.
    this.output.on('error', () => {});
    const limits = { objects: options.prefetch ?? DEFAULT_PREFETCH, bytes: PREFETCH_BYTES };
    this.prefetcher = new ObjectPrefetcher(options.s3, options.bucket, options.entries, limits, (error) =>
      this.fail(error),
    );
  }

  async run(): Promise<{ size: number; etag: string }> {
    const { bucket, targetKey, signal } = this.options;
    const stop = () => this.fail(stoppedError(signal));
    signal?.addEventListener('abort', stop, { once: true });
    try {
      this.addEntries();
      const upload = new Upload({
        client: this.s3,
        params: { Bucket: bucket, Key: targetKey, Body: this.output, ContentType: 'application/zip' },
        partSize: this.partSize,
        queueSize: this.options.queueSize ?? DEFAULT_QUEUE_SIZE,
        leavePartsOnError: false,
      });
      const { ETag } = await upload.done();
      return { size: this.uploadedBytes, etag: ETag ?? '' };
    } catch (error) {
      const reason = this.failure ?? uploadError(error);
      this.prefetcher.close();
      const etag = this.completeFailed ? await this.ownArchiveETag() : undefined;
      if (etag) return { size: this.uploadedBytes, etag };
      await this.abortUpload();
      throw reason;
    } finally {
      signal?.removeEventListener('abort', stop);
    }
  }

  /**
   * After a failure only the clean-up requests go out: no more parts, and above all no Complete. The
   * writes in flight are cancelled then, so that a stalled connection cannot hold the clean-up back.
   */
  beforeSend(command: object): AbortSignal | undefined {
    if (command instanceof AbortMultipartUploadCommand) return undefined;
    if (this.failure) throw this.failure;
    return this.writes.signal;
  }

  onSuccess(command: object, output: unknown): void {
    if (command instanceof CreateMultipartUploadCommand) {
      this.uploadId = (output as CreateMultipartUploadCommandOutput).UploadId;
    } else if (command instanceof UploadPartCommand || command instanceof PutObjectCommand) {
      this.uploadedBytes += (command.input.Body as Uint8Array).byteLength;
      const etag = (output as UploadPartCommandOutput).ETag;
      if (command instanceof UploadPartCommand && etag)
        this.partETags.set(command.input.PartNumber ?? 0, etag);
    } else if (command instanceof AbortMultipartUploadCommand) {
      this.uploadAborted = true;
    }
  }

  onFailure(command: object, error: unknown): void {
    if (command instanceof CompleteMultipartUploadCommand) {
      this.completeFailed = true;
      this.failure ??= new ZipFailedError('complete', 'Could not finish the archive in storage.', undefined, {
        cause: error,
      });
    } else if (
      command instanceof UploadPartCommand ||
      command instanceof PutObjectCommand ||
      command instanceof CreateMultipartUploadCommand
    ) {
      // Stop feeding the upload now: lib-storage's other uploaders would otherwise go on to the end.
      this.fail(uploadError(error));
    }
  }

  private addEntries(): void {
    const { entries, forceZip64 = false } = this.options;
    const compress = this.options.compress ?? ((entry: ZipEntry) => isCompressible(entry.name));
    entries.forEach((entry, index) => {
      const fileOptions = {
        size: entry.size,
        compress: compress(entry),
        mtime: entry.lastModified,
        forceZip64Format: forceZip64,
      };
      // yazl asks for each stream when it is that entry's turn; its callback is cb(error, stream).
      this.zip.addReadStreamLazy(entry.name, fileOptions, (cb) => {
        this.prefetcher.take(index).then(
          (body) => this.stream(entry, body, cb),
          (error: ZipFailedError) => this.fail(error),
        );
      });
    });
    this.zip.on('error', (error) => {
      const message = `Could not add "${this.currentName}" to the archive.`;
      this.fail(new ZipFailedError('read', message, this.currentName, { cause: error }));
    });
    this.zip.end({ forceZip64Format: forceZip64, comment: '' });
  }

  private stream(entry: ZipEntry, body: Readable, cb: (error: null, stream: Readable) => void): void {
    if (this.failure) {
      body.destroy();
      return;
    }
    this.currentName = entry.name;
    cb(null, body);
    body.on('data', (chunk: Buffer) => this.read(chunk.byteLength));
    body.on('end', () => {
      this.filesDone += 1;
      this.report();
    });
  }

  private read(bytes: number): void {
    this.prefetcher.advance(bytes);
    this.bytesDone += bytes;
    if (this.bytesDone >= this.nextReportAt) this.report();
  }

  private report(): void {
    this.nextReportAt = this.bytesDone + this.partSize;
    this.options.onProgress?.({ filesDone: this.filesDone, bytesDone: this.bytesDone });
  }

  /** The first failure wins; it stops every read, and ends the archive stream so the upload stops too. */
  private fail(error: ZipFailedError): void {
    if (this.failure) return;
    this.failure = error;
    this.writes.abort(error);
    this.prefetcher.close();
    this.output.destroy(error);
    (this.zip.outputStream as Readable).destroy();
  }

  /**
   * A CompleteMultipartUpload whose answer was lost may still have made the archive. It is this run's
   * when its ETag is the one this run's parts give: then the zip is done. Any other object at the key
   * (say, a duplicate run's finished archive) is left alone.
   */
  private async ownArchiveETag(): Promise<string | undefined> {
    const { s3, bucket, targetKey } = this.options;
    const head = await headObject(s3, bucket, targetKey).catch(() => undefined);
    const parts = [...this.partETags].sort(([a], [b]) => a - b).map(([, etag]) => etag);
    return head?.ETag && head.ETag === multipartETag(parts) ? head.ETag : undefined;
  }

  /** lib-storage aborts by itself, but in the background or not at all when that request failed. */
  private async abortUpload(): Promise<void> {
    if (!this.uploadId || this.uploadAborted) return;
    const { s3, bucket, targetKey } = this.options;
    const abort = new AbortMultipartUploadCommand({
      Bucket: bucket,
      Key: targetKey,
      UploadId: this.uploadId,
    });
    await s3.send(abort).catch(() => {});
  }
}

export function checkEntries(entries: readonly ZipEntry[]): void {
  const safe = archiveEntryNames(entries.map((entry) => entry.name));
  entries.forEach((entry, index) => {
    if (safe[index] !== entry.name) {
      throw new ZipFailedError('input', `Unsafe or duplicate entry name "${entry.name}".`, entry.name);
    }
    if (!Number.isSafeInteger(entry.size) || entry.size < 0) {
      throw new ZipFailedError('input', `Invalid size for "${entry.name}".`, entry.name);
    }
  });
}

export function uploadError(cause: unknown): ZipFailedError {
  return new ZipFailedError('upload', 'Could not write the archive to storage.', undefined, { cause });
}

export function stoppedError(signal: AbortSignal | undefined): ZipFailedError {
  const message = 'The zip was stopped before it finished (out of time).';
  return new ZipFailedError('stopped', message, undefined, { cause: signal?.reason });
}
