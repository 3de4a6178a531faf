/**
 * npm run check:packages: the packages as a React team gets them. Builds and packs @lockbox/client and
 * @lockbox/react (`npm pack`), makes a fresh project from create-vite's react-ts template, installs the
 * tarballs there, writes a component that uses both, and runs the template's `tsc -b && vite build`
 * (its strict settings: erasableSyntaxOnly, verbatimModuleSyntax) plus a tsc pass that also checks the
 * packages' .d.ts (the template skips library checks). Prints each package's gzipped size against its
 * target and exits non-zero when anything fails. Needs the npm registry (the template's dependencies).
 */
import { execFileSync } from 'node:child_process';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PACKAGES, packageSize, report } from './package-size';

/** create-vite, pinned (`npm create vite@X` runs create-vite@X), so that a new template cannot change what this check means without a commit. */
const CREATE_VITE = 'vite@9.3.0';
const ROOT = join(__dirname, '..');

function run(cwd: string, command: string, args: readonly string[]): void {
  console.log(`$ ${[command, ...args].join(' ')}`);
  execFileSync(command, args, { cwd, stdio: ['ignore', 'inherit', 'inherit'] });
}

/** Uses every hook and the client's types, so that tsc checks them under the template's settings. */
const APP = `import { type LockboxConfig, isLockboxError } from '@lockbox/client';
import { LockboxProvider, useAuth, useDeleted, useFolder, useUpload, useUsage, useZip } from '@lockbox/react';

function Files() {
  const folder = useFolder('');
  const uploads = useUpload();
  const usage = useUsage();
  const deleted = useDeleted();
  const zips = useZip();
  return (
    <ul>
      {folder.files.map((file) => <li key={file.key}>{file.key}</li>)}
      <li>{usage.usage?.bytes ?? 0} of {usage.usage?.quotaBytes ?? 0}</li>
      <li>{uploads.uploads.length} uploads, {deleted.items.length} deleted, {zips.zips.length} zips</li>
    </ul>
  );
}

function Gate() {
  const auth = useAuth();
  if (auth.step === 'signed-in') return <Files />;
  const failed = isLockboxError(auth.error, 'NotAuthorizedException');
  return <button type="button" onClick={() => void auth.signIn('a@example.com', 'password')}>{failed ? 'Try again' : 'Sign in'}</button>;
}

const config: LockboxConfig = {
  region: 'eu-west-1',
  user_pool_id: 'eu-west-1_example',
  user_pool_client_id: 'client',
  identity_pool_id: 'eu-west-1:00000000-0000-4000-8000-000000000000',
  api_url: 'https://api.example.com/v1',
};

export default function App() {
  return <LockboxProvider config={config}><Gate /></LockboxProvider>;
}
`;

async function main(): Promise<void> {
  const work = await mkdtemp(join(tmpdir(), 'lockbox-packages-'));
  try {
    run(ROOT, 'npm', ['run', 'build:packages']);
    const workspaces = PACKAGES.flatMap(({ dir }) => ['--workspace', `packages/${dir}`]);
    run(ROOT, 'npm', ['pack', ...workspaces, '--pack-destination', work]);
    const tarballs = (await readdir(work))
      .filter((name) => name.endsWith('.tgz'))
      .map((name) => join(work, name));
    run(work, 'npm', [
      'create',
      '--yes',
      CREATE_VITE,
      'app',
      '--',
      '--template',
      'react-ts',
      '--no-interactive',
    ]);
    const app = join(work, 'app');
    run(app, 'npm', ['install', '--no-audit', '--no-fund', ...tarballs]);
    await writeFile(join(app, 'src', 'App.tsx'), APP);
    await writeFile(
      join(app, 'tsconfig.lockbox.json'),
      JSON.stringify({ extends: './tsconfig.app.json', compilerOptions: { skipLibCheck: false } }),
    );
    run(app, 'npm', ['run', 'build']);
    run(app, 'npx', ['tsc', '--noEmit', '-p', 'tsconfig.lockbox.json']);
    const sizes = await Promise.all(
      PACKAGES.map(({ name, target }) =>
        packageSize(name, join(app, 'node_modules', name, 'dist', 'index.js'), target),
      ),
    );
    if (!report(sizes, false)) process.exitCode = 1;
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
