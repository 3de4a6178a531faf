// npm run smoke -- <stack name | --local | --launch>: a temporary user calls every route, then is deleted
// with their data; one line per step with its time; exit 1 on any failure (docs/admin.md, "Smoke test").
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { launchLocalSystem } from '../local/launch';
import { openTarget, type TargetSpec } from './admin/target';
import { formatStep, runSmoke } from './smoke/steps';

const USAGE = `Usage: npm run smoke -- <stack name> [--outputs FILE] | --local | --launch
  <stack name>   a deployed stack, e.g. lockbox-dev (outputs from \`npx cdktf output\`, AWS credentials
                 from the default chain); --outputs FILE reads saved outputs instead
  --local        the running local system (npm start; LOCKBOX_DATA, default .lockbox)
  --launch       starts a local system of its own in a temporary folder, runs, stops it (CI)`;

function targetSpec(args: readonly string[]): TargetSpec | 'launch' {
  const [first, ...rest] = args;
  if (first === '--local' && rest.length === 0)
    return { kind: 'local', dataDir: resolve(process.env.LOCKBOX_DATA || '.lockbox') };
  if (first === '--launch' && rest.length === 0) return 'launch';
  if (first !== undefined && !first.startsWith('--')) {
    if (rest.length === 0) return { kind: 'stack', stack: first };
    if (rest.length === 2 && rest[0] === '--outputs')
      return { kind: 'stack', stack: first, outputsFile: rest[1] as string };
  }
  throw new Error(USAGE);
}

async function smoke(spec: TargetSpec): Promise<boolean> {
  const target = await openTarget(spec);
  try {
    console.log(`Smoke test of ${target.name} (${target.config.api_url})`);
    const started = performance.now();
    const passed = await runSmoke(target, (result) => console.log(formatStep(result)));
    console.log(`${passed ? 'passed' : 'FAILED'} in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    return passed;
  } finally {
    target.close();
  }
}

async function main(): Promise<boolean> {
  const spec = targetSpec(process.argv.slice(2));
  if (spec !== 'launch') return smoke(spec);
  const dataDir = await mkdtemp(join(tmpdir(), 'lockbox-smoke-'));
  const system = await launchLocalSystem({ dataDir });
  try {
    return await smoke({ kind: 'local', dataDir });
  } finally {
    await system.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

main().then(
  (passed) => {
    process.exitCode = passed ? 0 : 1;
  },
  (error) => {
    console.error(error instanceof Error && error.message === USAGE ? USAGE : (error?.stack ?? error));
    process.exitCode = error instanceof Error && error.message === USAGE ? 2 : 1;
  },
);
