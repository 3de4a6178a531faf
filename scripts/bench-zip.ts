// npm run bench: the zip engine against a raw copy and archiver, on a real local S3 server.
// Flags: --count 40 --size-mib 5 (the objects), --sizes 2048[,…] (more archive sizes in MiB, to show that
// memory stays flat), --runs 3 (median of), --server fauxqs|s3rver (s3rver keeps objects on disk: use it
// for GiB sizes), --part-size-mib 8 --queue-size 4 (the Upload settings of every mode).
// The server and each measured run get a process of their own, so each peak RSS is that run's own.
import { execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs, promisify } from 'node:util';
import { DeleteObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { type BenchServer, type BenchTarget, benchClient, sourceKey } from './bench-zip-client';
import type { Mode, ModeResult, ModeRun } from './bench-zip-mode';

const MiB = 1024 * 1024;
const MODES: readonly Mode[] = ['raw', 'zip', 'archiver'];
const TSX = require.resolve('tsx/cjs');
const run = promisify(execFile);

interface Summary {
  readonly totalMiB: number;
  readonly count: number;
  readonly MiBps: Record<Mode, number>;
  readonly peakRssMiB: Record<Mode, number>;
}

function options() {
  const { values } = parseArgs({
    options: {
      count: { type: 'string', default: '40' },
      'size-mib': { type: 'string', default: '5' },
      sizes: { type: 'string', default: '' },
      runs: { type: 'string', default: '3' },
      server: { type: 'string', default: 'fauxqs' },
      'part-size-mib': { type: 'string', default: '8' },
      'queue-size': { type: 'string', default: '4' },
    },
  });
  const number = (name: keyof typeof values) => {
    const value = Number(values[name]);
    if (!(value > 0)) throw new Error(`--${name} must be a positive number`);
    return value;
  };
  if (values.server !== 'fauxqs' && values.server !== 's3rver')
    throw new Error('--server is fauxqs or s3rver');
  const sizeMiB = number('size-mib');
  const extra = values.sizes ? values.sizes.split(',').map(Number) : [];
  if (extra.some((size) => !(size > 0))) throw new Error('--sizes takes archive sizes in MiB: 200,2048');
  const totals = [...new Set([number('count') * sizeMiB, ...extra])].sort((a, b) => a - b);
  return {
    server: values.server as BenchServer,
    sizeMiB,
    totals,
    runs: number('runs'),
    partSize: number('part-size-mib') * MiB,
    queueSize: number('queue-size'),
  };
}

async function startServer(server: BenchServer) {
  const child = spawn(process.execPath, ['--require', TSX, join(__dirname, 'bench-zip-server.ts'), server], {
    stdio: ['pipe', 'pipe', 'inherit'],
    env: { ...process.env, NODE_NO_WARNINGS: '1' },
  });
  const [line] = (await once(createInterface({ input: child.stdout }), 'line')) as [string];
  const { endpoint, bucket } = JSON.parse(line) as { endpoint: string; bucket: string };
  return { target: { server, endpoint, bucket } satisfies BenchTarget, stop: () => child.stdin.end() };
}

/** Random bytes, so that nothing along the way can compress or deduplicate them. */
async function seed(s3: S3Client, target: BenchTarget, from: number, to: number, bytes: number) {
  let next = from;
  const worker = async () => {
    for (let i = next++; i < to; i = next++) {
      const put = new PutObjectCommand({
        Bucket: target.bucket,
        Key: sourceKey(i),
        Body: randomBytes(bytes),
      });
      await s3.send(put);
    }
  };
  await Promise.all([worker(), worker(), worker(), worker()]);
}

async function measure(modeRun: ModeRun): Promise<ModeResult> {
  const script = join(__dirname, 'bench-zip-mode.ts');
  const { stdout } = await run(process.execPath, ['--require', TSX, script, JSON.stringify(modeRun)], {
    env: { ...process.env, NODE_NO_WARNINGS: '1' },
  });
  return JSON.parse(stdout.trim().split('\n').at(-1) as string) as ModeResult;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const fixed = (value: number) => value.toFixed(1).padStart(8);

async function main(): Promise<void> {
  const settings = options();
  const objectBytes = settings.sizeMiB * MiB;
  const server = await startServer(settings.server);
  const s3 = benchClient(server.target);
  const summaries: Summary[] = [];
  let seeded = 0;
  try {
    for (const totalMiB of settings.totals) {
      const count = Math.ceil(totalMiB / settings.sizeMiB);
      await seed(s3, server.target, seeded, count, objectBytes);
      seeded = Math.max(seeded, count);
      const results: ModeResult[] = [];
      for (let i = 0; i < settings.runs; i++) {
        for (const mode of MODES) {
          const targetKey = `zip/bench/${mode}.zip`;
          const { partSize, queueSize } = settings;
          results.push(
            await measure({ ...server.target, mode, count, objectBytes, partSize, queueSize, targetKey }),
          );
          await s3.send(new DeleteObjectCommand({ Bucket: server.target.bucket, Key: targetKey }));
        }
      }
      const of = (mode: Mode) => results.filter((r) => r.mode === mode);
      const sourceMiB = (count * objectBytes) / MiB;
      const summary: Summary = {
        totalMiB: sourceMiB,
        count,
        MiBps: Object.fromEntries(
          MODES.map((m) => [m, median(of(m).map((r) => sourceMiB / r.seconds))]),
        ) as Record<Mode, number>,
        peakRssMiB: Object.fromEntries(
          MODES.map((m) => [m, Math.max(...of(m).map((r) => r.peakRssMiB))]),
        ) as Record<Mode, number>,
      };
      summaries.push(summary);
      print(summary, settings, results);
    }
  } finally {
    s3.destroy();
    server.stop();
  }
  console.log(JSON.stringify(finalLine(summaries)));
}

function print(summary: Summary, settings: ReturnType<typeof options>, results: ModeResult[]): void {
  console.log(
    `\n${summary.totalMiB} MiB in ${summary.count} objects of ${settings.sizeMiB} MiB, ${settings.server}, ` +
      `parts of ${settings.partSize / MiB} MiB × queue ${settings.queueSize}, median of ${settings.runs} run(s)`,
  );
  console.log('mode         MiB/s  peak RSS MiB  CPU s/GiB  (RSS at start MiB)');
  for (const mode of MODES) {
    const runs = results.filter((r) => r.mode === mode);
    const start = Math.max(...runs.map((r) => r.startRssMiB));
    const cpuPerGiB = median(runs.map((r) => (r.cpuSeconds / summary.totalMiB) * 1024));
    console.log(
      `${mode.padEnd(9)}${fixed(summary.MiBps[mode])}${fixed(summary.peakRssMiB[mode])}      ` +
        `${fixed(cpuPerGiB)}   (${start.toFixed(1)})`,
    );
  }
  const ratio = summary.MiBps.zip / summary.MiBps.raw;
  const overhead = summary.peakRssMiB.zip - summary.peakRssMiB.raw;
  console.log(`zip / raw throughput ${ratio.toFixed(3)} (target ≥ 0.9: ${ratio >= 0.9 ? 'met' : 'MISSED'})`);
  console.log(
    `zip − raw peak RSS ${overhead.toFixed(1)} MiB (target ≤ 32: ${overhead <= 32 ? 'met' : 'MISSED'})`,
  );
}

function finalLine(summaries: Summary[]) {
  const [first] = summaries;
  const round = (value: number) => Math.round(value * 10) / 10;
  const line: Record<string, unknown> = {
    throughputRatio: Math.round((first.MiBps.zip / first.MiBps.raw) * 1000) / 1000,
    zipMiBps: round(first.MiBps.zip),
    rawMiBps: round(first.MiBps.raw),
    archiverMiBps: round(first.MiBps.archiver),
    zipPeakRssMiB: round(first.peakRssMiB.zip),
    rawPeakRssMiB: round(first.peakRssMiB.raw),
  };
  if (summaries.length > 1) {
    const rss = summaries.map((s) => s.peakRssMiB.zip);
    const spread = Math.max(...rss) - Math.min(...rss);
    console.log(
      `\nzip peak RSS across sizes spread ${spread.toFixed(1)} MiB (target ≤ 16: ${spread <= 16 ? 'met' : 'MISSED'})`,
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
