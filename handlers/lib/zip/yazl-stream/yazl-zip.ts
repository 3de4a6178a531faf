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
import { abortArchive, ownArchiveETag } from '../archive-settlement';
import { compressRule, type ZipEntry, type ZipResult } from '../contract';
import { type PlanOptions, planZip, type ZipPlan } from '../planner';
import { completeError, stoppedError, uploadError, ZipFailedError } from '../zip-failure';
import { ProgressCounter } from '../zip-progress';
import { type S3CallWatcher, watchedClient } from './call-watch';
import { giveYazlNativeCrc32 } from './native-crc';
import { ObjectPrefetcher } from './prefetch';

export interface YazlZipOptions extends PlanOptions {
  /** Parts uploaded at once; memory holds about queueSize + 1 parts. @default 4 */
  readonly queueSize?: number;
  /** Objects opened ahead of the one being written (within 16 MiB of it). @default 8 */
  readonly prefetch?: number;
}

giveYazlNativeCrc32();

const DEFAULT_QUEUE_SIZE = 4;
const DEFAULT_PREFETCH = 8;
const PREFETCH_BYTES = 16 * 1024 * 1024;

/**
 * The yazl strategy: streams the entries' objects through yazl (store, or deflate for types that shrink)
 * into one lib-storage Upload under `targetKey`, in flat memory whatever the archive's size. Any failure
 * aborts the upload, so that no partial archive is left, and rejects with a ZipFailedError that says
 * which entry or stage failed. Without a plan, it plans the job itself (planner.ts).
 */
export async function zipToS3(options: YazlZipOptions, plan?: ZipPlan): Promise<ZipResult> {
  const planned = plan ?? (await planZip({ ...options, strategy: 'yazl' }));
  if (options.signal?.aborted) throw stoppedError(options.signal);
  return new ArchiveUpload(options, planned).run();
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
  private readonly progress: ProgressCounter;

  constructor(
    private readonly options: YazlZipOptions,
    private readonly plan: ZipPlan,
  ) {
    this.s3 = watchedClient(options.s3, this);
    const sizes = options.entries.map((entry) => entry.size);
    this.progress = new ProgressCounter(sizes, plan.partSize, options.onProgress);
    // lib-storage reads its Body with `for await`, and a byte stream's iterator first joins all the
    // chunks it holds into a new buffer: one more copy of the whole archive. An object-mode readable
    // side hands yazl's chunks over as they are.
    this.output = (this.zip.outputStream as Readable).pipe(new PassThrough({ readableObjectMode: true }));
    // The upload reads `output` and sees its errors; this listener only keeps a late one from crashing.
    this.output.on('error', () => {});
    const limits = { objects: options.prefetch ?? DEFAULT_PREFETCH, bytes: PREFETCH_BYTES };
    // A source HEADed at planning is read in exactly that version (If-Match), as the copy engine reads it.
    const entries = options.entries.map((entry, index) => ({ ...entry, etag: plan.sources[index]?.etag }));
    this.prefetcher = new ObjectPrefetcher(options.s3, options.bucket, entries, limits, (error) =>
      this.fail(error),
    );
  }

  async run(): Promise<ZipResult> {
    const { bucket, targetKey, signal } = this.options;
    const stop = () => this.fail(stoppedError(signal));
    signal?.addEventListener('abort', stop, { once: true });
    try {
      this.addEntries();
      const upload = new Upload({
        client: this.s3,
        params: { Bucket: bucket, Key: targetKey, Body: this.output, ContentType: 'application/zip' },
        partSize: this.plan.partSize,
        queueSize: this.options.queueSize ?? DEFAULT_QUEUE_SIZE,
        leavePartsOnError: false,
      });
      const { ETag } = await upload.done();
      return this.result(ETag ?? '');
    } catch (error) {
      const reason = this.failure ?? uploadError(error);
      this.prefetcher.close();
      const etag = this.completeFailed ? await ownArchiveETag(this.options, this.partETags) : undefined;
      if (etag) return this.result(etag);
      // lib-storage aborts by itself, but in the background or not at all when that request failed.
      if (this.uploadId && !this.uploadAborted) await abortArchive(this.options, this.uploadId);
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
      this.failure ??= completeError(error);
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
    const compress = compressRule(this.options);
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
          (body) => this.stream(index, entry, body, cb),
          (error: ZipFailedError) => this.fail(error),
        );
      });
    });
    this.zip.on('error', (error) => {
      const message = `Could not add "${this.currentName}" to the archive.`;
      this.fail(new ZipFailedError('source-unreadable', message, this.currentName, { cause: error }));
    });
    this.zip.end({ forceZip64Format: forceZip64, comment: '' });
  }

  private stream(
    index: number,
    entry: ZipEntry,
    body: Readable,
    cb: (error: null, stream: Readable) => void,
  ): void {
    if (this.failure) {
      body.destroy();
      return;
    }
    this.currentName = entry.name;
    cb(null, body);
    body.on('data', (chunk: Buffer) => {
      this.prefetcher.advance(chunk.byteLength);
      this.progress.add(index, chunk.byteLength);
    });
    // An empty file is done when its stream ends.
    body.on('end', () => this.progress.add(index, 0));
  }

  private result(etag: string): ZipResult {
    const workerBytes = this.progress.current.bytesDone;
    return { size: this.uploadedBytes, etag, workerBytes, copiedBytes: 0 };
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
}
