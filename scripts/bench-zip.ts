// npm run bench: the zip engine against a raw copy and archiver, on a real local S3 server.
// Flags: --count 40 --size-mib 5 (the objects); --sizes 2048[,…] (more archive sizes in MiB, to show
// that memory stays flat); --runs 3 (rounds of all modes; medians); the S3 is local/s3 (on disk, so GiB
// sizes fit) unless --server aws; --part-size-mib 8 --queue-size 4 (every mode's Upload);
// --default-process (run the modes without the zip worker's process settings, to compare);
// --verify (read each size's last zip back: every entry's name, size and CRC-32 must be its source's);
// --engine yazl,copy (compare the two zip strategies instead: time, bytes through the worker, S3 requests,
// peak RSS, and which one the planner picks for these sources, `chosen`; `stream` is yazl's old name;
// local/s3, which copies ranges and keeps CRC-32s on disk).
// --mix 2000x20 (with --engine: 2,000 more sources of 20 KiB after the --count ones: a mixed job).
// --force-zip64 (ZIP64 records for every entry, as the tests force them); --unzip-test (also download the
// verified archive to a temp file and run Debian's `unzip -t` on it: a second, independent reader).
// --floors (with --engine: also run the floors, the same bytes without a zip: `raw` through the worker,
// the least any streaming engine takes, and `s3copy` = UploadPartCopy of every source of 5 MiB or more
// whole, the smaller ones through the worker as one part, + Complete: the least any copy engine takes on
// this server; their ratio bounds copyVsStreamSpeedup here).
// --server aws --bucket <scratch bucket> (real S3, default credentials and region; refuses a bucket with
// any key outside bench/ and zip/bench/; deletes its sources at the end; see scripts/bench-zip-aws.ts).
// --size-mib may be below 1 (0.01 = 10,486 bytes: sizes are whole bytes); --size-kib 10 instead of
// --size-mib for small files (10,000 × 10 KiB: --count 10000 --size-kib 10). --text: the sources are
// CSV rows named bench/…csv, which both engines deflate (the engines' table adds each archive's size).
// --no-crc: the copy engine sees the sources as files without a CRC-32 (uploaded before CRC-32s were
// sent): its HeadObject answers lose ChecksumCRC32, as S3 answers for a file stored with CRC64NVME only
// (local/s3 keeps a CRC-32 of every object), so large files stream through the worker.
// The server and each measured run get a process of their own, so each peak RSS is that run's own, and
// every mode's process gets the zip worker's settings (contract/routes.ts), as the Lambda does.
import { execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { pipeline } from 'node:stream/promises';
import { parseArgs, promisify } from 'node:util';
import { crc32 } from 'node:zlib';
import { DeleteObjectCommand, GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { ZIP_WORKER_PROCESS_ENVIRONMENT } from '../contract/routes';
import type { ObjectKey } from '../handlers/lib/files/keys';
import { mapConcurrently } from '../handlers/lib/s3/pool';
import { planZip, type ZipStrategy } from '../handlers/lib/zip/planner';
import { awsTarget, removeSources } from './bench-zip-aws';
import { type BenchServer, type BenchTarget, benchClient, hideCrc32, sourceKey } from './bench-zip-client';
import type { Mode, ModeResult, ModeRun } from './bench-zip-mode';
import { verifyArchive } from './bench-zip-verify';

const MiB = 1024 * 1024;
const STREAM_MODES: readonly Mode[] = ['raw', 'zip', 'archiver'];
let MODES: readonly Mode[] = STREAM_MODES;
const TSX = require.resolve('tsx/cjs');
const run = promisify(execFile);

interface Summary {
  readonly totalMiB: number;
  readonly count: number;
  readonly MiBps: Record<Mode, number>;
  /**
   * The median of the rounds' peaks. A run's peak is the highest point of the GC's sawtooth (dead part
   * buffers wait for the next collection), so the maximum of a few rounds mostly says how lucky they were.
   */
  readonly peakRssMiB: Record<Mode, number>;
  readonly maxPeakRssMiB: Record<Mode, number>;
  readonly cpuPerGiB: Record<Mode, number>;
  /** The median of each round's zip / raw: a pair run back to back shares the machine's load. */
  readonly ratio: number;
}

function options() {
  const { values } = parseArgs({
    options: {
      count: { type: 'string', default: '40' },
      'size-mib': { type: 'string' },
      'size-kib': { type: 'string' },
      sizes: { type: 'string', default: '' },
      runs: { type: 'string', default: '3' },
      server: { type: 'string', default: 'local' },
      bucket: { type: 'string' },
      'part-size-mib': { type: 'string', default: '8' },
      'queue-size': { type: 'string', default: '4' },
      'default-process': { type: 'boolean', default: false },
      verify: { type: 'boolean', default: false },
      'force-zip64': { type: 'boolean', default: false },
      'unzip-test': { type: 'boolean', default: false },
      engine: { type: 'string', default: '' },
      floors: { type: 'boolean', default: false },
      text: { type: 'boolean', default: false },
      'no-crc': { type: 'boolean', default: false },
      mix: { type: 'string' },
    },
  });
  const number = (name: keyof typeof values) => {
    const value = Number(values[name]);
    if (!(value > 0)) throw new Error(`--${name} must be a positive number`);
    return value;
  };
  if (!['local', 'aws'].includes(values.server)) throw new Error('--server is local (the default) or aws');
  if ((values.server === 'aws') !== (values.bucket !== undefined))
    throw new Error('--server aws takes --bucket <scratch bucket>, and only it does');
  const engines = values.engine ? values.engine.split(',') : [];
  if (engines.some((engine) => !['copy', 'yazl', 'stream'].includes(engine)))
    throw new Error('--engine takes yazl, copy or yazl,copy');
  if (values['size-mib'] !== undefined && values['size-kib'] !== undefined)
    throw new Error('--size-mib or --size-kib, not both');
  if (values.floors && engines.length === 0) throw new Error('--floors goes with --engine');
  const sizeMiB =
    values['size-kib'] !== undefined ? number('size-kib') / 1024 : Number(values['size-mib'] ?? 5);
  if (!(sizeMiB > 0)) throw new Error('--size-mib must be a positive number');
  // Whole bytes, at least one: 0.01 MiB is 10,486 bytes.
  const objectBytes = Math.max(1, Math.round(sizeMiB * MiB));
  const extra = values.sizes ? values.sizes.split(',').map(Number) : [];
  const [mixCount, mixKiB] = (values.mix ?? '0x0').split('x').map(Number);
  if (!(mixCount >= 0 && mixKiB >= 0) || (values.mix && engines.length === 0) || (values.mix && extra.length))
    throw new Error('--mix <count>x<KiB> goes with --engine, without --sizes');
  if (extra.some((size) => !(size > 0))) throw new Error('--sizes takes archive sizes in MiB: 200,2048');
  // Object counts, so that a fractional size never rounds the count up by one.
  const counts = [
    ...new Set([number('count'), ...extra.map((size) => Math.max(1, Math.ceil((size * MiB) / objectBytes)))]),
  ].sort((a, b) => a - b);
  return {
    server: values.server as BenchServer,
    bucket: values.bucket,
    sizeMiB,
    objectBytes,
    counts,
    runs: number('runs'),
    partSize: number('part-size-mib') * MiB,
    queueSize: number('queue-size'),
    processEnvironment: values['default-process'] ? {} : ZIP_WORKER_PROCESS_ENVIRONMENT,
    verify: values.verify || values['unzip-test'],
    unzipTest: values['unzip-test'],
    forceZip64: values['force-zip64'],
    text: values.text,
    noCrc: values['no-crc'],
    mix: { count: mixCount, bytes: Math.round(mixKiB * 1024) },
    engines: [
      ...engines.map((engine) => (engine === 'copy' ? 'copy' : 'zip') as Mode),
      ...(values.floors ? (['raw', 's3copy'] as const) : []),
    ],
  };
}

async function startServer(
  server: BenchServer,
  scratchBucket: string | undefined,
): Promise<{ target: BenchTarget; stop: () => void }> {
  if (server === 'aws') {
    const s3 = benchClient({ server, endpoint: '', bucket: '' });
    const target = await awsTarget(s3, scratchBucket as string).finally(() => s3.destroy());
    return { target, stop: () => {} };
  }
  const child = spawn(process.execPath, ['--require', TSX, join(__dirname, 'bench-zip-server.ts')], {
    stdio: ['pipe', 'pipe', 'inherit'],
    env: { ...process.env, NODE_NO_WARNINGS: '1' },
  });
  const [line] = (await once(createInterface({ input: child.stdout }), 'line')) as [string];
  const { endpoint, bucket } = JSON.parse(line) as { endpoint: string; bucket: string };
  return { target: { server, endpoint, bucket } satisfies BenchTarget, stop: () => child.stdin.end() };
}

/** Uploads in flight while seeding. */
const SEED_CONCURRENCY = 4;

/**
 * Random bytes, so that nothing along the way can compress or deduplicate them, or with `text` CSV rows;
 * each object's CRC-32 goes into `crcs`, for --verify.
 */
async function seed(
  s3: S3Client,
  target: BenchTarget,
  from: number,
  to: number,
  bytes: number,
  crcs: number[],
  text: boolean,
) {
  const indexes = Array.from({ length: Math.max(0, to - from) }, (_, i) => from + i);
  await mapConcurrently(indexes, SEED_CONCURRENCY, async (i) => {
    const body = text ? csvRows(i, bytes) : randomBytes(bytes);
    crcs[i] = crc32(body);
    await s3.send(new PutObjectCommand({ Bucket: target.bucket, Key: sourceKey(i, text), Body: body }));
  });
}

/** `bytes` of an export-like CSV: an id, a user, an amount and a date per row, different per object. */
function csvRows(object: number, bytes: number): Buffer {
  const rows = ['id,user,amount,date\n'];
  for (let row = 0, length = rows[0].length; length < bytes; row++) {
    const id = object * 1_000_000 + row;
    const line = `${id},user-${(id * 37) % 1000},${((id * 7919) % 100_000) / 100},2026-11-${(row % 28) + 1}\n`;
    rows.push(line);
    length += line.length;
  }
  return Buffer.from(rows.join('')).subarray(0, bytes);
}

async function measure(
  modeRun: ModeRun,
  processEnvironment: Readonly<Record<string, string>>,
): Promise<ModeResult> {
  const script = join(__dirname, 'bench-zip-mode.ts');
  const { stdout } = await run(process.execPath, ['--require', TSX, script, JSON.stringify(modeRun)], {
    env: { ...process.env, ...processEnvironment, NODE_NO_WARNINGS: '1' },
  });
  return JSON.parse(stdout.trim().split('\n').at(-1) as string) as ModeResult;
}

async function verify(
  s3: S3Client,
  bucket: string,
  key: string,
  count: number,
  objectBytes: number,
  crcs: readonly number[],
  { text, mix }: { text: boolean; mix: { count: number; bytes: number } },
): Promise<void> {
  const expected = Array.from({ length: count + mix.count }, (_, i) => ({
    name: sourceKey(i, text),
    size: i < count ? objectBytes : mix.bytes,
    crc32: crcs[i],
  }));
  const { entries, zip64Entries } = await verifyArchive(s3, bucket, key, expected);
  console.log(
    `verified the zip: ${entries} entries, names, sizes and CRC-32 as the sources; ` +
      `${zip64Entries} with ZIP64 fields`,
  );
}

/** `unzip -t` on the archive, downloaded to a temp file (GiB archives need the disk space). */
async function unzipTest(s3: S3Client, bucket: string, key: string): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'bench-zip-'));
  try {
    const path = join(dir, 'archive.zip');
    const { Body } = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    await pipeline(Body as NodeJS.ReadableStream, createWriteStream(path));
    const { stdout } = await run('unzip', ['-t', path], { maxBuffer: 64 * MiB });
    const lines = stdout.trim().split('\n');
    const ok = lines.filter((line) => / OK$/.test(line)).length;
    console.log(`unzip -t: ${ok} entries OK; ${lines.at(-1)?.trim()}`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const fixed = (value: number) => value.toFixed(1).padStart(8);

async function main(): Promise<void> {
  const settings = options();
  const { objectBytes } = settings;
  if (settings.engines.length > 0) MODES = settings.engines;
  const server = await startServer(settings.server, settings.bucket);
  const s3 = benchClient(server.target);
  const summaries: Summary[] = [];
  const crcs: number[] = [];
  const engineLines: Record<string, unknown>[] = [];
  let seeded = 0;
  try {
    for (const count of settings.counts) {
      const { mix } = settings;
      const totalMiB = (count * objectBytes + mix.count * mix.bytes) / MiB;
      await seed(s3, server.target, seeded, count, objectBytes, crcs, settings.text);
      await seed(s3, server.target, count, count + mix.count, mix.bytes, crcs, settings.text);
      seeded = Math.max(seeded, count + mix.count);
      const rounds: Record<Mode, ModeResult>[] = [];
      for (let i = 0; i < settings.runs; i++) {
        const round = {} as Record<Mode, ModeResult>;
        // Each round runs every mode back to back, starting with another one each time, so that a
        // change in the machine's load weighs on all modes alike.
        for (const mode of [...MODES.slice(i % MODES.length), ...MODES.slice(0, i % MODES.length)]) {
          const targetKey = `zip/bench/${mode}.zip`;
          const { partSize, queueSize, forceZip64, text, noCrc } = settings;
          round[mode] = await measure(
            {
              ...server.target,
              mode,
              count,
              objectBytes,
              partSize,
              queueSize,
              targetKey,
              forceZip64,
              text,
              noCrc,
              mix: settings.mix,
            },
            settings.processEnvironment,
          );
          if ((mode === 'zip' || mode === 'copy') && settings.verify && i === settings.runs - 1) {
            await verify(s3, server.target.bucket, targetKey, count, objectBytes, crcs, settings);
            if (settings.unzipTest) await unzipTest(s3, server.target.bucket, targetKey);
          }
          await s3.send(new DeleteObjectCommand({ Bucket: server.target.bucket, Key: targetKey }));
        }
        rounds.push(round);
      }
      if (settings.engines.length > 0) {
        const chosen = await plannedStrategy(s3, server.target, count, objectBytes, settings);
        engineLines.push(printEngines(rounds, count, objectBytes, settings, chosen));
        continue;
      }
      const summary = summarize(rounds, count, totalMiB);
      summaries.push(summary);
      print(summary, settings, rounds);
    }
  } finally {
    if (settings.server === 'aws') {
      const sources = Array.from({ length: seeded }, (_, i) => sourceKey(i, settings.text));
      await removeSources(s3, server.target.bucket, sources);
    }
    s3.destroy();
    server.stop();
  }
  console.log(JSON.stringify(settings.engines.length > 0 ? engineLines[0] : finalLine(summaries)));
}

/**
 * The strategy the planner picks for these sources (its HeadObjects, with --no-crc's answers), as the
 * worker would for a job of them.
 */
async function plannedStrategy(
  s3: S3Client,
  target: BenchTarget,
  count: number,
  objectBytes: number,
  { text, noCrc, mix }: ReturnType<typeof options>,
): Promise<ZipStrategy> {
  if (noCrc) hideCrc32(s3);
  const entries = Array.from({ length: count + mix.count }, (_, i) => ({
    s3Key: sourceKey(i, text) as ObjectKey,
    name: sourceKey(i, text),
    size: i < count ? objectBytes : mix.bytes,
  }));
  const targetKey = 'zip/bench/plan.zip' as ObjectKey;
  const plan = await planZip({ s3, bucket: target.bucket, entries, targetKey });
  if (noCrc) s3.middlewareStack.remove('hideCrc32');
  return plan.strategy;
}

/** Per engine: time, bytes through the worker, S3 requests, peak RSS (medians); the comparison as JSON. */
function printEngines(
  rounds: Record<Mode, ModeResult>[],
  count: number,
  objectBytes: number,
  settings: ReturnType<typeof options>,
  chosen: ZipStrategy,
): Record<string, unknown> {
  const { mix } = settings;
  const bytes = count * objectBytes + mix.count * mix.bytes;
  const mixed = mix.count > 0 ? ` and ${mix.count} of ${mix.bytes} bytes` : '';
  console.log(
    `\n${(bytes / MiB).toFixed(1)} MiB in ${count} objects of ${objectBytes} bytes${mixed}, ${settings.server}, ` +
      `${settings.runs} round(s)`,
  );
  console.log('engine   seconds  MiB/s  worker MiB  requests  peak RSS MiB  archive MiB');
  const medians = {} as Record<
    Mode,
    { seconds: number; workerBytes: number; requests: number; rss: number; archiveBytes: number }
  >;
  for (const mode of MODES) {
    const m = {
      seconds: median(rounds.map((r) => r[mode].seconds)),
      workerBytes: median(rounds.map((r) => r[mode].workerBytes)),
      requests: median(rounds.map((r) => r[mode].requests)),
      rss: median(rounds.map((r) => r[mode].peakRssMiB)),
      archiveBytes: median(rounds.map((r) => r[mode].archiveBytes ?? 0)),
    };
    medians[mode] = m;
    const name = mode === 'zip' ? 'yazl' : mode;
    console.log(
      `${name.padEnd(7)}${fixed(m.seconds)}${fixed(bytes / MiB / m.seconds)}${fixed(m.workerBytes / MiB).padStart(11)}` +
        `${String(m.requests).padStart(10)}${fixed(m.rss).padStart(13)}${fixed(m.archiveBytes / MiB).padStart(13)}`,
    );
  }
  const round = (value: number, places = 3) => Math.round(value * 10 ** places) / 10 ** places;
  const files = count + mix.count;
  const line: Record<string, unknown> = { bytes, count: files, chosen };
  const chosenMode = chosen === 'copy' ? 'copy' : 'zip';
  if (medians[chosenMode]) line.workerBytesPerArchiveByte = round(medians[chosenMode].workerBytes / bytes, 4);
  if (medians.copy) {
    line.copyWorkerMiBPerFile = round(medians.copy.workerBytes / files / MiB);
    line.copyRequestsPerGiB = round((medians.copy.requests / bytes) * 1024 ** 3, 1);
    line.copySeconds = round(medians.copy.seconds);
    line.copyPeakRssMiB = round(medians.copy.rss, 1);
    line.copyArchiveBytes = medians.copy.archiveBytes;
  }
  if (medians.zip) {
    line.yazlSeconds = round(medians.zip.seconds);
    line.yazlRequestsPerGiB = round((medians.zip.requests / bytes) * 1024 ** 3, 1);
    line.yazlPeakRssMiB = round(medians.zip.rss, 1);
    line.yazlArchiveBytes = medians.zip.archiveBytes;
  }
  const ratio = (slower: Mode, faster: Mode) =>
    round(median(rounds.map((r) => r[slower].seconds / r[faster].seconds)), 2);
  if (medians.copy && medians.zip) {
    line.copyVsYazlSpeedup = ratio('zip', 'copy');
    // The planner's pick against the clock: it must be the faster one, or within 5 % of it.
    const other = chosenMode === 'copy' ? 'zip' : 'copy';
    line.chosenVsOtherSeconds = ratio(chosenMode, other);
    line.chosenFastestOrWithin5Percent = (line.chosenVsOtherSeconds as number) <= 1.05;
    console.log(
      `planner's choice: ${chosen}, ${line.chosenVsOtherSeconds}× the other's time ` +
        `(target ≤ 1.05: ${line.chosenFastestOrWithin5Percent ? 'met' : 'MISSED'})`,
    );
  }
  if (medians.raw && medians.s3copy) {
    // What any copy engine could gain over any streaming engine on this server, and how near each is.
    line.floorSpeedup = ratio('raw', 's3copy');
    if (medians.copy) line.copyShareOfFloor = ratio('s3copy', 'copy');
    if (medians.zip) line.yazlShareOfFloor = ratio('raw', 'zip');
  }
  return line;
}

function summarize(rounds: Record<Mode, ModeResult>[], count: number, totalMiB: number): Summary {
  const byMode = <T>(value: (mode: Mode) => T) =>
    Object.fromEntries(MODES.map((m) => [m, value(m)])) as Record<Mode, T>;
  const MiBps = (result: ModeResult) => totalMiB / result.seconds;
  return {
    totalMiB,
    count,
    MiBps: byMode((m) => median(rounds.map((r) => MiBps(r[m])))),
    peakRssMiB: byMode((m) => median(rounds.map((r) => r[m].peakRssMiB))),
    maxPeakRssMiB: byMode((m) => Math.max(...rounds.map((r) => r[m].peakRssMiB))),
    cpuPerGiB: byMode((m) => median(rounds.map((r) => (r[m].cpuSeconds / totalMiB) * 1024))),
    ratio: median(rounds.map((r) => MiBps(r.zip) / MiBps(r.raw))),
  };
}

function print(
  summary: Summary,
  settings: ReturnType<typeof options>,
  rounds: Record<Mode, ModeResult>[],
): void {
  console.log(
    `\n${summary.totalMiB} MiB in ${summary.count} objects of ${settings.sizeMiB} MiB, ${settings.server}, ` +
      `parts of ${settings.partSize / MiB} MiB × queue ${settings.queueSize}, ${settings.runs} round(s)`,
  );
  const environment = Object.entries(settings.processEnvironment).map(([name, value]) => `${name}=${value}`);
  console.log(`process: ${environment.length ? environment.join(' ') : 'Node defaults'}`);
  rounds.forEach((round, i) => {
    const speeds = MODES.map((m) => `${m} ${(summary.totalMiB / round[m].seconds).toFixed(1)}`).join(', ');
    console.log(`  round ${i + 1}: ${speeds} MiB/s`);
  });
  console.log('mode     median MiB/s  peak RSS MiB (median, max)  CPU s/GiB');
  for (const mode of MODES) {
    const rss = `${fixed(summary.peakRssMiB[mode])}, ${summary.maxPeakRssMiB[mode].toFixed(1).padStart(6)}`;
    console.log(
      `${mode.padEnd(9)}${fixed(summary.MiBps[mode])}      ${rss}          ${fixed(summary.cpuPerGiB[mode])}`,
    );
  }
  const overhead = summary.peakRssMiB.zip - summary.peakRssMiB.raw;
  console.log(
    `zip / raw throughput ${summary.ratio.toFixed(3)}, median of the rounds ` +
      `(target ≥ 0.9: ${summary.ratio >= 0.9 ? 'met' : 'MISSED'})`,
  );
  console.log(
    `zip − raw peak RSS ${overhead.toFixed(1)} MiB, medians (target ≤ 32: ${overhead <= 32 ? 'met' : 'MISSED'})`,
  );
}

function finalLine(summaries: Summary[]) {
  const [first] = summaries;
  const round = (value: number) => Math.round(value * 10) / 10;
  const line: Record<string, unknown> = {
    throughputRatio: Math.round(first.ratio * 1000) / 1000,
    zipMiBps: round(first.MiBps.zip),
    rawMiBps: round(first.MiBps.raw),
    archiverMiBps: round(first.MiBps.archiver),
    zipPeakRssMiB: round(first.peakRssMiB.zip),
    rawPeakRssMiB: round(first.peakRssMiB.raw),
  };
  if (summaries.length > 1) {
    const spreadOf = (rss: number[]) => Math.max(...rss) - Math.min(...rss);
    const spread = spreadOf(summaries.map((s) => s.peakRssMiB.zip));
    const maxSpread = spreadOf(summaries.map((s) => s.maxPeakRssMiB.zip));
    console.log(
      `\nzip peak RSS across sizes spread ${spread.toFixed(1)} MiB, medians (target ≤ 16: ` +
        `${spread <= 16 ? 'met' : 'MISSED'}); ${maxSpread.toFixed(1)} MiB between the maxima`,
    );
    line.zipPeakRssMiBBySize = Object.fromEntries(
      summaries.map((s) => [s.totalMiB, round(s.peakRssMiB.zip)]),
    );
  }
  return line;
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
