import type { Readable } from 'node:stream';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { compressRule, type ZipEntry, type ZipResult } from '../contract';
import { centralRecord, endRecords } from '../format/zip-records';
import { type PlanOptions, planZip, type ZipPlan } from '../planner';
import { asZipError, changedError, readError, stoppedError, type ZipFailedError } from '../zip-failure';
import { ProgressCounter } from '../zip-progress';
import { maxHead } from './entry-modes';
import { CopyLayout, type LayoutEnd, layOutEntries, type PlannedEntry, type PlannedPart } from './layout';
import { MultipartArchive } from './multipart-archive';
import { PartAssembler } from './part-assembly';
import { ReadAhead, type ReadSource } from './read-ahead';
import { Semaphore } from './semaphore';

export interface CopyZipOptions extends PlanOptions {
  /** UploadPartCopy requests at once (they cost the worker no memory). @default 8 */
  readonly copyConcurrency?: number;
  /** Parts the worker uploads at once; memory holds about this many parts. @default 4 */
  readonly uploadConcurrency?: number;
}

/** Copies in flight by default; the bench runs its floor of any copy engine with as many. */
export const COPY_CONCURRENCY = 8;
const UPLOAD_CONCURRENCY = 4;

/**
 * The copy strategy: writes the zip under `targetKey` with the same contract as the yazl strategy (names,
 * sizes, ZIP64 rule, progress, failures and clean-up), but lets S3 copy the bytes of every large file
 * whose CRC-32 S3 has (UploadPartCopy): its local header carries CRC and sizes, and the worker reads only
 * the head that fills the part before it to 5 MiB. Small files pass through the worker whole, deflated
 * when `compress` says so and it makes them smaller; files without a CRC-32 stream through it with a
 * data descriptor, deflated as they stream when `compress` says so. Copied files are stored. Without a
 * plan, it plans the job itself (planner.ts).
 */
export async function zipByCopy(options: CopyZipOptions, plan?: ZipPlan): Promise<ZipResult> {
  const planned = plan ?? (await planZip({ ...options, strategy: 'copy' }));
  if (options.signal?.aborted) throw stoppedError(options.signal);
  return new CopyZip(options, planned).run();
}

class CopyZip {
  private readonly requests = new AbortController();
  private failure?: ZipFailedError;
  private readonly archive: MultipartArchive;
  private readonly reads: ReadAhead;
  private readonly assembler: PartAssembler;
  private readonly progress: ProgressCounter;
  private readonly crcs: number[];
  private readonly inFlight = new Set<Promise<void>>();
  private readonly layout: CopyLayout;
  private workerBytes = 0;
  private copiedBytes = 0;

  constructor(
    private readonly options: CopyZipOptions,
    private readonly plan: ZipPlan,
  ) {
    const { entries, forceZip64 = false } = options;
    const compress = compressRule(options);
    const abortable = () => this.abortable();
    this.archive = new MultipartArchive(options, abortable);
    this.crcs = entries.map((_, index) =>
      plan.modes[index] === 'copy' ? (plan.sources[index].crc ?? 0) : 0,
    );
    const order = entries.flatMap((entry, index): [number, ReadSource][] => {
      const { etag } = plan.sources[index];
      const mode = plan.modes[index];
      if (mode === 'copy')
        return [[index, { entry, etag, compress: false, head: maxHead(entry, forceZip64) }]];
      return mode === 'buffer' ? [[index, { entry, etag, compress: compress(entry) }]] : [];
    });
    const onError = (error: ZipFailedError) => this.fail(error);
    this.reads = new ReadAhead({ s3: options.s3, bucket: options.bucket, order, abortable, onError });
    this.progress = new ProgressCounter(
      entries.map((entry) => entry.size),
      plan.partSize,
      options.onProgress,
    );
    this.layout = new CopyLayout({ ...plan, forceZip64 });
    this.assembler = new PartAssembler({
      entries,
      placed: this.layout.entries,
      crcs: this.crcs,
      reads: this.reads,
      openStream: (index) => this.openStream(index),
      directory: () => this.directory(),
      passed: (index, bytes) => {
        this.workerBytes += bytes;
        this.progress.add(index, bytes);
      },
      check: () => this.check(),
    });
  }

  async run(): Promise<ZipResult> {
    const { signal } = this.options;
    const stop = () => this.fail(stoppedError(signal));
    signal?.addEventListener('abort', stop, { once: true });
    let completing = false;
    try {
      await this.archive.create();
      await this.writeParts();
      completing = true;
      return this.result(await this.archive.complete());
    } catch (error) {
      const reason = this.failure ?? asZipError(error);
      this.fail(reason);
      await Promise.allSettled(this.inFlight);
      const etag = completing ? await this.archive.settle() : undefined;
      if (etag) return this.result(etag);
      await this.archive.abort();
      throw reason;
    } finally {
      signal?.removeEventListener('abort', stop);
    }
  }

  private result(etag: string): ZipResult {
    const { workerBytes, copiedBytes } = this;
    return { size: this.layout.finished?.archiveSize ?? 0, etag, workerBytes, copiedBytes };
  }

  /**
   * Lays the entries out in order, each once its data's size is known (a small file's once it is read and
   * deflated), and writes the parts that completes while copies and uploads run, each kind within its
   * limit.
   */
  private async writeParts(): Promise<void> {
    const copies = new Semaphore(this.options.copyConcurrency ?? COPY_CONCURRENCY);
    const uploads = new Semaphore(this.options.uploadConcurrency ?? UPLOAD_CONCURRENCY);
    const write = async (parts: PlannedPart[]) => {
      this.check();
      for (const part of parts) {
        this.check();
        if (part.kind === 'copy') {
          await copies.take();
          this.start(this.copyPart(part), copies);
        } else {
          const body = await this.assembler.assemble(part);
          await uploads.take();
          this.start(this.archive.uploadPart(part.partNumber, body), uploads);
        }
      }
    };
    const compress = compressRule(this.options);
    const entries = this.options.entries.map((entry) => ({
      name: entry.name,
      size: entry.size,
      mtime: entry.lastModified ?? new Date(),
      compress: compress(entry),
    }));
    await layOutEntries(this.layout, entries, this.plan.modes, this.source(), write);
    while (this.inFlight.size > 0) await Promise.allSettled(this.inFlight);
    this.check();
  }

  /** How the layout learns each entry's data: small files read (and deflated), large text deflated. */
  private source() {
    return {
      whole: async (index: number) => {
        const { bytes, crc, deflated } = await this.reads.read(index);
        this.crcs[index] = crc;
        return { dataSize: bytes.length, deflated };
      },
      streamed: (index: number, append: (bytes: number) => Promise<void>) =>
        this.assembler.streamed(index, append),
      placed: (entry: PlannedEntry) => {
        const unused =
          entry.mode === 'copy' ? entry.head === 0 : entry.mode === 'buffer' && entry.dataSize === 0;
        if (unused) this.reads.skip(entry.index);
      },
    };
  }

  private start(task: Promise<void>, slots: Semaphore): void {
    const tracked = task
      .catch((error: unknown) => this.fail(asZipError(error)))
      .finally(() => {
        slots.give();
        this.inFlight.delete(tracked);
      });
    this.inFlight.add(tracked);
  }

  private async copyPart(part: Extract<PlannedPart, { kind: 'copy' }>): Promise<void> {
    const { s3Key, name } = this.options.entries[part.entry];
    const { etag } = this.plan.sources[part.entry];
    await this.archive.copyPart({ ...part, s3Key, name, etag });
    this.copiedBytes += part.size;
    this.progress.add(part.entry, part.size);
  }

  private async openStream(index: number): Promise<Readable> {
    const entry: ZipEntry = this.options.entries[index];
    const { etag } = this.plan.sources[index];
    const command = new GetObjectCommand({ Bucket: this.options.bucket, Key: entry.s3Key, IfMatch: etag });
    const response = await this.options.s3.send(command, this.abortable()).catch((error: unknown) => {
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
    const { directoryOffset: offset, directorySize: size } = this.layout.finished as LayoutEnd;
    const entries = this.layout.entries;
    const forceZip64 = this.options.forceZip64 ?? false;
    return Buffer.concat([
      ...entries.map((entry) => centralRecord(entry, this.crcs[entry.index])),
      endRecords({ entries: entries.length, offset, size, forceZip64 }),
    ]);
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
    this.assembler.close();
  }
}
