// npm run bench:init: each handler's bundle as the stack deploys it (npm run build's bytes) and its module
// init, the `require` of the built index.js in a fresh Node process with the function's environment set
// (every setting it reads, as the stack sets them, plus its process settings), median of 5 runs per
// handler, and the same for a bundle of the S3 client alone (the floor of every handler that sends S3
// requests). Prints a table, then one JSON line { node, runs, loadAverage, handlers: { name: { kb,
// initMs, initCpuMs } } }.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { inflateRawSync } from 'node:zlib';
import { buildSync } from 'esbuild';
import { type FunctionEntry, isReadBy } from '../contract/function-settings';
import { routes, workers } from '../contract/routes';
import { type Setting, settings } from '../contract/settings';
import { BUNDLE_OPTIONS, bundleHandlers } from '../modules/bundle/handler-bundle';
import { projectRoot } from '../modules/project-root';

const RUNS = 5;
const TARGET_INIT_MS = 50;
const run = promisify(execFile);

/** What the stack would set: a plausible value for each text setting, the default of each limit. */
const TEXT_VALUES: Record<string, string> = {
  BUCKET_NAME: 'lockbox-bench-files',
  ALLOWED_ORIGINS: 'https://app.example.com',
  USAGE_TABLE_NAME: 'lockbox-bench-usage',
  IDENTITY_POOL_ID: 'eu-west-1:00000000-0000-4000-8000-000000000000',
  CALLER_ROLE_ARN: 'arn:aws:iam::123456789012:role/lockbox-bench-caller',
};

/** What the S3 client alone is measured with: a function that reads only what every function reads. */
const S3_CLIENT_ALONE: FunctionEntry = {
  handler: '(S3 client alone)',
  s3: [],
  timeoutSeconds: 1,
  memoryMiB: 128,
};

function environmentOf(entry: FunctionEntry): Record<string, string> {
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    // What Lambda sets for every function.
    AWS_REGION: 'eu-west-1',
    AWS_ACCESS_KEY_ID: 'AKIABENCHBENCHBENCH0',
    AWS_SECRET_ACCESS_KEY: 'bench',
    AWS_SESSION_TOKEN: 'bench',
    ...('processEnvironment' in entry ? entry.processEnvironment : {}),
  };
  for (const setting of settings.filter((s: Setting) => isReadBy(s, entry))) {
    env[setting.variable] =
      setting.kind === 'integer' ? String(setting.default) : TEXT_VALUES[setting.variable];
  }
  return env;
}

/** The one file of a deployment zip (modules/bundle/single-file-zip.ts: deflated, sizes in its local header). */
async function indexJs(zipPath: string): Promise<Buffer> {
  const zip = await readFile(zipPath);
  const compressedSize = zip.readUInt32LE(18);
  const dataStart = 30 + zip.readUInt16LE(26) + zip.readUInt16LE(28);
  return inflateRawSync(zip.subarray(dataStart, dataStart + compressedSize));
}

/**
 * The `require` of `file` in a fresh process: wall milliseconds and CPU milliseconds (user + system; on a
 * loaded machine the wall time is mostly waiting for a core, the CPU time is the work).
 */
async function requireMs(file: string, env: Record<string, string>): Promise<{ wall: number; cpu: number }> {
  const code = [
    'const c=process.cpuUsage(),t=process.hrtime.bigint();',
    `require(${JSON.stringify(file)});`,
    'const w=Number(process.hrtime.bigint()-t)/1e6,u=process.cpuUsage(c);',
    'process.stdout.write(JSON.stringify({wall:w,cpu:(u.user+u.system)/1e3}))',
  ].join('');
  const { stdout } = await run(process.execPath, ['-e', code], { env });
  return JSON.parse(stdout) as { wall: number; cpu: number };
}

/**
 * The floor under every handler that sends S3 requests: the S3 client and one command, nothing else,
 * bundled with the handlers' own settings.
 */
function s3ClientFloor(): Buffer {
  const contents = [
    "import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';",
    'const s3 = new S3Client({});',
    "export const handler = () => s3.send(new GetObjectCommand({ Bucket: 'b', Key: 'k' }));",
  ].join('\n');
  const root = projectRoot();
  const result = buildSync({ ...BUNDLE_OPTIONS, absWorkingDir: root, stdin: { contents, resolveDir: root } });
  return Buffer.from(result.outputFiles[0].contents);
}

async function main(): Promise<void> {
  const functions: readonly FunctionEntry[] = [...routes, ...workers];
  const bundles = bundleHandlers(functions.map((entry) => entry.handler));
  const timed: { name: string; code: Buffer; env: Record<string, string> }[] = [];
  for (const entry of functions) {
    const bundle = bundles.get(entry.handler);
    if (!bundle) throw new Error(`no bundle for ${entry.handler}`);
    timed.push({ name: entry.handler, code: await indexJs(bundle.zipPath), env: environmentOf(entry) });
  }
  timed.push({ name: S3_CLIENT_ALONE.handler, code: s3ClientFloor(), env: environmentOf(S3_CLIENT_ALONE) });
  const dir = await mkdtemp(join(tmpdir(), 'bench-init-'));
  const results: Record<string, { kb: number; initMs: number; initCpuMs: number }> = {};
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(RUNS / 2)];
  const tenth = (value: number) => Math.round(value * 10) / 10;
  try {
    console.log(
      `handler                   bundle KB  init ms  CPU ms (medians of ${RUNS}, Node ${process.version})`,
    );
    for (const { name, code, env } of timed) {
      const file = join(dir, `${Object.keys(results).length}.js`);
      await writeFile(file, code);
      const times: { wall: number; cpu: number }[] = [];
      for (let i = 0; i < RUNS; i++) times.push(await requireMs(file, env));
      const initMs = median(times.map((time) => time.wall));
      const initCpuMs = median(times.map((time) => time.cpu));
      const kb = tenth(code.length / 1024);
      results[name] = { kb, initMs: tenth(initMs), initCpuMs: tenth(initCpuMs) };
      // Judged by CPU time: on a shared machine the wall time is mostly waiting for a core.
      const verdict = initCpuMs <= TARGET_INIT_MS ? 'ok' : `OVER ${TARGET_INIT_MS} ms of CPU`;
      console.log(
        `${name.padEnd(24)} ${kb.toFixed(1).padStart(9)}  ${initMs.toFixed(1).padStart(7)} ${initCpuMs.toFixed(1).padStart(7)}  ${verdict}`,
      );
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  const load = (await readFile('/proc/loadavg', 'utf8').catch(() => '')).split(' ')[0];
  console.log(
    JSON.stringify({
      node: process.version,
      runs: RUNS,
      loadAverage: Number(load) || undefined,
      handlers: results,
    }),
  );
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
