import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Stacks } from './stack-diff';
import type { JsonObject } from './terraform-json';

const run = promisify(execFile);
const BUFFER = 64 * 1024 * 1024;

export type Log = (message: string) => void;

/** The commit a ref names, or an error that says which ref is unknown. */
export async function resolveCommit(repoRoot: string, ref: string): Promise<string> {
  const { stdout } = await run('git', ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`], {
    cwd: repoRoot,
  }).catch(() => {
    throw new Error(`Not a commit: ${ref}`);
  });
  return stdout.trim();
}

/**
 * Synthesizes every stack of `commit` in a temporary folder (the commit's files from `git archive`) and
 * removes the folder. The working tree's node_modules is reused through a symlink when the commit's
 * package-lock.json is the same; otherwise the commit gets its own `npm ci`, which takes minutes.
 */
export async function synthesizeCommit(repoRoot: string, commit: string, log: Log): Promise<Stacks> {
  const dir = mkdtempSync(join(tmpdir(), 'lockbox-infra-diff-'));
  try {
    await run(
      'bash',
      ['-o', 'pipefail', '-c', 'git archive --format=tar "$1" | tar -x -C "$2"', 'bash', commit, dir],
      {
        cwd: repoRoot,
        maxBuffer: BUFFER,
      },
    );
    const sameLockfile =
      existsSync(join(repoRoot, 'node_modules')) &&
      readFileSync(join(dir, 'package-lock.json')).equals(readFileSync(join(repoRoot, 'package-lock.json')));
    if (sameLockfile) {
      symlinkSync(join(repoRoot, 'node_modules'), join(dir, 'node_modules'), 'dir');
    } else {
      log(
        `${commit.slice(0, 12)}: its package-lock.json differs from the working tree's, so npm ci runs there`,
      );
      await run('npm', ['ci', '--no-audit', '--no-fund'], { cwd: dir, maxBuffer: BUFFER });
    }
    return await synthesizeFolder(dir, log);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Synthesizes every stack of the folder's code and collects every `cdktf.out/stacks/<stack>/cdk.tf.json`.
 * Today's app writes them all in one synth; older commits wrote one environment per synth, chosen by
 * LOCKBOX_ENV, so it runs one `npm run synth` per environment that `stacks/environments.ts` lists until a
 * synth writes more than one stack. State stays local (LOCKBOX_STATE_* unset), as the backend is no part
 * of the review.
 */
export async function synthesizeFolder(dir: string, log: Log): Promise<Stacks> {
  const { LOCKBOX_STATE_BUCKET: _bucket, LOCKBOX_STATE_REGION: _region, ...environment } = process.env;
  const stacks = new Map<string, JsonObject>();
  for (const name of await environmentNames(dir)) {
    // Cleared before each synth, so that what it leaves there is exactly what it wrote.
    rmSync(join(dir, 'cdktf.out'), { recursive: true, force: true });
    log(`synth ${dir} ${name ?? '(default environment)'}`);
    await run('npm', ['run', '--silent', 'synth'], {
      cwd: dir,
      env: name === undefined ? environment : { ...environment, LOCKBOX_ENV: name },
      maxBuffer: BUFFER,
    });
    const written = readStacks(join(dir, 'cdktf.out', 'stacks'));
    for (const [stack, json] of written) stacks.set(stack, json);
    if (written.size > 1) break;
  }
  return stacks;
}

/** The folder's environment names, or one default synth for code that has no environment table. */
async function environmentNames(dir: string): Promise<(string | undefined)[]> {
  const script = "console.log(JSON.stringify(Object.keys(require('./stacks/environments').environments)))";
  try {
    const { stdout } = await run(join(dir, 'node_modules', '.bin', 'tsx'), ['--eval', script], { cwd: dir });
    const names: unknown = JSON.parse(stdout);
    if (Array.isArray(names) && names.length > 0 && names.every((name) => typeof name === 'string'))
      return names;
  } catch {
    // No table where this version of the code keeps it: fall through to the app's own default.
  }
  return [undefined];
}

function readStacks(stacksDir: string): Map<string, JsonObject> {
  const stacks = new Map<string, JsonObject>();
  if (!existsSync(stacksDir)) return stacks;
  for (const stack of readdirSync(stacksDir).sort()) {
    const file = join(stacksDir, stack, 'cdk.tf.json');
    if (existsSync(file)) stacks.set(stack, JSON.parse(readFileSync(file, 'utf8')));
  }
  return stacks;
}
