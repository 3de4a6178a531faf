/**
 * npm run check:fork [-- --keep]
 *
 * Proves that the stack moves to CDK Terrain (cdktn, the community fork of cdktf) unchanged: copies the
 * working tree's files (tracked and untracked, not ignored) to a scratch folder, moves package.json and the imports to the fork
 * (check-fork/fork-versions.ts), installs there without a lockfile, type-checks, synthesizes every
 * environment, runs test/infra, and compares each stack's JSON with ours after normalising only the
 * provider version, cdktf's metadata version and the provider source spelling. Exits non-zero on any
 * difference, printing it. `--keep` leaves the scratch folder for inspection.
 */
import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { projectRoot } from '../modules/project-root';
import { forkImports, forkPackageJson } from './check-fork/fork-sources';
import { FORK_VERSIONS } from './check-fork/fork-versions';
import { normaliseStack, providerVersions } from './check-fork/normalise';
import { attributeChanges, compare } from './infra-diff/resource-diff';
import { synthesizeFolder } from './infra-diff/synthesize';

const run = promisify(execFile);
const BUFFER = 64 * 1024 * 1024;
const log = (message: string) => console.error(`check:fork: ${message}`);

async function step<T>(name: string, action: () => Promise<T>): Promise<T> {
  const started = performance.now();
  const result = await action();
  log(`${name}: ${((performance.now() - started) / 1000).toFixed(1)} s`);
  return result;
}

async function copySources(root: string, scratch: string): Promise<void> {
  const { stdout } = await run('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], {
    cwd: root,
    maxBuffer: BUFFER,
  });
  for (const file of stdout.split('\0').filter((path) => path !== '' && path !== 'package-lock.json')) {
    mkdirSync(dirname(join(scratch, file)), { recursive: true });
    try {
      copyFileSync(join(root, file), join(scratch, file));
    } catch (error) {
      // A tracked file deleted in the working tree is not part of what is checked.
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
  const packageJson = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  writeFileSync(join(scratch, 'package.json'), `${JSON.stringify(forkPackageJson(packageJson), null, 2)}\n`);
  for (const file of stdout.split('\0').filter((path) => path.endsWith('.ts'))) {
    const path = join(scratch, file);
    try {
      writeFileSync(path, forkImports(readFileSync(path, 'utf8')));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
}

async function main(): Promise<void> {
  const keep = process.argv.includes('--keep');
  const root = projectRoot();
  const scratch = mkdtempSync(join(tmpdir(), 'lockbox-check-fork-'));
  log(
    `cdktn ${FORK_VERSIONS.cdktn}, @cdktn/provider-aws ${FORK_VERSIONS.providerAws}, constructs ${FORK_VERSIONS.constructs} in ${scratch}`,
  );
  try {
    await step('copy sources and move them to the fork', () => copySources(root, scratch));
    await step('npm install (no lockfile)', () =>
      run('npm', ['install', '--no-audit', '--no-fund', '--no-package-lock'], {
        cwd: scratch,
        maxBuffer: BUFFER,
      }),
    );
    await step('typecheck', () =>
      run('npm', ['run', '--silent', 'typecheck'], { cwd: scratch, maxBuffer: BUFFER }),
    );
    const [ours, fork] = await step('synth (ours and the fork)', () =>
      Promise.all([synthesizeFolder(root, log), synthesizeFolder(scratch, log)]),
    );
    const tests = await step('test/infra on the fork', () =>
      run(
        'npm',
        [
          'exec',
          '--',
          'mocha',
          '--no-config',
          '--require',
          'tsx/cjs',
          '--require',
          'test/setup.ts',
          '--extension',
          'ts',
          '--timeout',
          '120000',
          '--reporter',
          'dot',
          'test/infra/*.test.ts',
        ],
        { cwd: scratch, maxBuffer: BUFFER },
      ),
    );
    log(`test/infra: ${/(\d+) passing/.exec(tests.stdout)?.[0] ?? tests.stdout.trim()}`);
    let differences = 0;
    for (const stack of [...new Set([...ours.keys(), ...fork.keys()])].sort(compare)) {
      const our = ours.get(stack);
      const theirs = fork.get(stack);
      if (our === undefined || theirs === undefined) {
        console.log(`${stack}: synthesized by ${our === undefined ? 'the fork only' : 'cdktf only'}`);
        differences += 1;
        continue;
      }
      const versions = providerVersions(our);
      const changes = attributeChanges(normaliseStack(our, versions), normaliseStack(theirs, versions));
      for (const change of changes) {
        console.log(
          `${stack}: ${change.path}: ${JSON.stringify(change.before)} (cdktf) vs ${JSON.stringify(change.after)} (cdktn)`,
        );
      }
      differences += changes.length;
      log(`${stack}: ${changes.length} difference(s) after normalising`);
    }
    if (differences > 0) {
      console.log(`check:fork: FAILED, ${differences} difference(s) between cdktf and cdktn`);
      process.exitCode = 1;
    } else {
      console.log(
        `check:fork: ok, ${ours.size} stack(s) identical after normalising (${[...ours.keys()].join(', ')})`,
      );
    }
  } finally {
    if (keep) log(`kept ${scratch}`);
    else rmSync(scratch, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  const failed = error as { message?: string; stdout?: string; stderr?: string };
  console.error(`check:fork: ${failed.message ?? String(error)}`);
  if (failed.stdout) console.error(failed.stdout);
  if (failed.stderr) console.error(failed.stderr);
  process.exit(1);
});
