// One measured run of the zip benchmark, in a process of its own so that its peak RSS is its own.
// Usage: bench-zip-mode.ts '<json ModeRun>'; prints one JSON line ModeResult.
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { PassThrough, pipeline, Readable } from 'node:stream';
import {
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  type S3Client,
  UploadPartCommand,
  UploadPartCopyCommand,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { MIN_PART_BYTES } from '../contract/s3-limits';
import type { ObjectKey } from '../handlers/lib/files/keys';
import { mapConcurrently } from '../handlers/lib/s3/pool';
import { COPY_CONCURRENCY, zipByCopy } from '../handlers/lib/zip/copy/copy-zip';
import { zipToS3 } from '../handlers/lib/zip/yazl-stream/yazl-zip';
import { type BenchTarget, benchClient, hideCrc32, sourceKey } from './bench-zip-client';

/**
 * zip: the streaming engine; copy: the copy engine (zipByCopy); raw and s3copy: the floors of any
 * streaming and any copy engine on this server (the same bytes, no zip).
 */
export type Mode = 'raw' | 'zip' | 'archiver' | 'copy' | 's3copy';

export interface ModeRun extends BenchTarget {
  readonly mode: Mode;
  readonly count: number;
  readonly objectBytes: number;
  readonly partSize: number;
  readonly queueSize: number;
  readonly targetKey: string;
  /** ZIP64 records for every entry (zip and copy). */
  readonly forceZip64?: boolean;
  /** The sources are CSV text (bench/…csv), which both engines deflate. */
  readonly text?: boolean;
  /** HeadObject answers without ChecksumCRC32: to the copy engine, every source has no CRC-32. */
  readonly noCrc?: boolean;
  /** More sources after the `count` ones: a mixed job. */
  readonly mix?: { readonly count: number; readonly bytes: number };
}

export interface ModeResult {
  readonly mode: Mode;
  readonly seconds: number;
  readonly peakRssMiB: number;
  readonly startRssMiB: number;
  /** CPU time (user + system) of the measured work, without the process's start, in seconds. */
  readonly cpuSeconds: number;
  /** S3 requests the run sent (retries included). */
  readonly requests: number;
  /** Source bytes that passed through this process (all of them, but for the copy engine). */
  readonly workerBytes: number;
  /** The archive's size (zip and copy). */
  readonly archiveBytes?: number;
}

const MiB = 1024 * 1024;

async function body(s3: S3Client, run: ModeRun, index: number): Promise<Readable> {
  const object = await s3.send(new GetObjectCommand({ Bucket: run.bucket, Key: sourceKey(index, run.text) }));
  return object.Body as Readable;
}

function upload(s3: S3Client, run: ModeRun, stream: Readable): Promise<unknown> {
  const params = { Bucket: run.bucket, Key: run.targetKey, Body: stream };
  return new Upload({ client: s3, params, partSize: run.partSize, queueSize: run.queueSize }).done();
}

/** (a) The objects one after another, as one stream, through the same Upload settings: no zip at all. */
async function raw(s3: S3Client, run: ModeRun): Promise<Passed> {
  async function* concatenated() {
    for (let i = 0; i < sizes(run).length; i++) yield* await body(s3, run, i);
  }
  await upload(s3, run, Readable.from(concatenated(), { objectMode: false }));
  return { archiveBytes: total(run) };
}

/** Each source's size: `count` of `objectBytes`, then the mix. */
function sizes(run: ModeRun): number[] {
  const mix = run.mix ?? { count: 0, bytes: 0 };
  return [...Array<number>(run.count).fill(run.objectBytes), ...Array<number>(mix.count).fill(mix.bytes)];
}

function total(run: ModeRun): number {
  return sizes(run).reduce((sum, size) => sum + size, 0);
}

/** (b) The yazl strategy (lib-storage's Upload), with its defaults but the same part size and queue. */
async function zip(s3: S3Client, run: ModeRun): Promise<Passed> {
  const { bucket, targetKey, partSize, queueSize, forceZip64 } = run;
  const { size } = await zipToS3({
    s3,
    bucket,
    entries: entriesOf(run),
    targetKey: benchKey(targetKey),
    partSizeBytes: partSize,
    queueSize,
    forceZip64,
  });
  return { archiveBytes: size };
}

/** (d) The copy engine, with its defaults but the same part size and upload queue. */
async function copy(s3: S3Client, run: ModeRun): Promise<Passed> {
  const { bucket, targetKey, partSize, queueSize, forceZip64 } = run;
  const result = await zipByCopy({
    forceZip64,
    s3,
    bucket,
    entries: entriesOf(run),
    targetKey: benchKey(targetKey),
    partSizeBytes: partSize,
    uploadConcurrency: queueSize,
  });
  return { workerBytes: result.workerBytes, archiveBytes: result.size };
}

/** What a zip mode tells of its run: source bytes through this process (when not all), archive size. */
interface Passed {
  readonly workerBytes?: number;
  readonly archiveBytes?: number;
}

/**
 * (e) The least any copy engine can take on this server: every source of 5 MiB or more copied whole into
 * one multipart upload by UploadPartCopy (as many at once as the copy engine runs), the smaller ones read
 * through this process into one last part (no engine can copy them), then completed. No zip.
 */
async function s3copy(s3: S3Client, run: ModeRun): Promise<Passed> {
  const target = { Bucket: run.bucket, Key: run.targetKey };
  const { UploadId } = await s3.send(
    new CreateMultipartUploadCommand({ ...target, ChecksumAlgorithm: 'CRC32', ChecksumType: 'FULL_OBJECT' }),
  );
  const all = sizes(run).map((size, index) => ({ size, index }));
  const large = all.filter(({ size }) => size >= MIN_PART_BYTES).map(({ index }) => index);
  const small = all.filter(({ size }) => size < MIN_PART_BYTES).map(({ index }) => index);
  const parts = await mapConcurrently(large, COPY_CONCURRENCY, async (i) => {
    const { CopyPartResult } = await s3.send(
      new UploadPartCopyCommand({
        ...target,
        UploadId,
        PartNumber: large.indexOf(i) + 1,
        CopySource: `${run.bucket}/${sourceKey(i, run.text)}`,
      }),
    );
    return { PartNumber: large.indexOf(i) + 1, ETag: CopyPartResult?.ETag };
  });
  let workerBytes = 0;
  if (small.length > 0) {
    const bodies = await mapConcurrently(small, 16, async (i) =>
      Buffer.concat(await (await body(s3, run, i)).toArray()),
    );
    const Body = Buffer.concat(bodies);
    workerBytes = Body.length;
    const PartNumber = parts.length + 1;
    const { ETag } = await s3.send(new UploadPartCommand({ ...target, UploadId, PartNumber, Body }));
    parts.push({ PartNumber, ETag });
  }
  await s3.send(
    new CompleteMultipartUploadCommand({ ...target, UploadId, MultipartUpload: { Parts: parts } }),
  );
  return { workerBytes, archiveBytes: total(run) };
}

function entriesOf(run: ModeRun) {
  return sizes(run).map((size, i) => ({
    s3Key: benchKey(sourceKey(i, run.text)),
    name: sourceKey(i, run.text),
    size,
  }));
}

/** (c) archiver in store mode, the common alternative, one object open at a time. */
async function archiver(s3: S3Client, run: ModeRun): Promise<void> {
  const { ZipArchive } = await import('archiver');
  const archive = new ZipArchive({ store: true });
  // archiver's streams come from readable-stream, which lib-storage does not take for a Readable.
  const done = upload(
    s3,
    run,
    pipeline(archive, new PassThrough(), () => {}),
  );
  for (let i = 0; i < sizes(run).length; i++) {
    archive.append(await body(s3, run, i), { name: sourceKey(i, run.text) });
    await once(archive, 'entry');
  }
  await Promise.all([archive.finalize(), done]);
}

async function main(): Promise<void> {
  const run = JSON.parse(process.argv[2]) as ModeRun;
  const s3 = benchClient(run);
  let requests = 0;
  s3.middlewareStack.add(
    (next) => (args) => {
      requests += 1;
      return next(args);
    },
    { step: 'finalizeRequest', name: 'countRequests' },
  );
  if (run.noCrc) hideCrc32(s3);
  const startRssMiB = process.memoryUsage.rss() / MiB;
  const startCpu = process.cpuUsage();
  const started = process.hrtime.bigint();
  const passed = (await { raw, zip, archiver, copy, s3copy }[run.mode](s3, run)) || undefined;
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const peakRssMiB = peakRssKiB() / 1024;
  const { user, system } = process.cpuUsage(startCpu);
  const result: ModeResult = {
    mode: run.mode,
    seconds,
    peakRssMiB,
    startRssMiB,
    cpuSeconds: (user + system) / 1e6,
    requests,
    workerBytes: passed?.workerBytes ?? total(run),
    archiveBytes: passed?.archiveBytes,
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
  s3.destroy();
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});

/**
 * This process's own peak RSS in KiB. Not getrusage's maxRSS on Linux: a spawned child's maxRSS starts at
 * its parent's peak (the kernel keeps the larger of the pre-exec and post-exec peaks), so every run showed
 * the seeding parent's memory; /proc/self/status VmHWM is the peak of this process's own memory map.
 */
function peakRssKiB(): number {
  try {
    const match = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync('/proc/self/status', 'utf8'));
    if (match) return Number(match[1]);
  } catch {
    // Not Linux: maxRSS is the best there is.
  }
  return process.resourceUsage().maxRSS;
}

/** The benchmark owns its bucket and names its own objects: no user's key is involved. */
function benchKey(key: string): ObjectKey {
  return key as ObjectKey;
}
