import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { adminClient, newSignedInUser, type SignedInUser } from '../../devtools/local-session';
import { type ApiFetch, signedFetch } from '../../devtools/signed-fetch';
import { type LaunchedSystem, launchLocalSystem } from '../../local/launch';

/** Mounts a tmpfs of `size` at a new folder, or says why it cannot (not root, no mount permission). */
function mountTmpfs(size: string): { dir: string } | { skip: string } {
  const dir = mkdtempSync(join(tmpdir(), 'lockbox-full-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir], { stdio: 'pipe' });
    return { dir };
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    return {
      skip: `mount -t tmpfs is not permitted here (${String((error as Error).message).split('\n')[0]})`,
    };
  }
}

/** Fills the disk holding `dir` until a write fails with ENOSPC. */
function fill(dir: string): void {
  const chunk = Buffer.alloc(1024 * 1024, 1);
  for (let i = 0; ; i++) {
    try {
      writeFileSync(join(dir, 'filler'), chunk, { flag: 'a' });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOSPC') return;
      throw error;
    }
    if (i > 10_000) throw new Error('the disk never filled up');
  }
}

/** The data folder on a small tmpfs, filled up: writes answer errors, reads work, nothing stops. */
describe('local mode on a full disk', function () {
  this.timeout(180_000);
  let mounted: { dir: string } | { skip: string };
  let system: LaunchedSystem | undefined;
  let user: SignedInUser;
  const api = (): ApiFetch =>
    signedFetch(system?.config.api_url as string, 'eu-west-1', user.credentials, 'smithy');

  before(async function () {
    mounted = mountTmpfs('96m');
    if ('skip' in mounted) {
      console.warn(`      skipped: ${mounted.skip}`);
      this.skip();
    }
    system = await launchLocalSystem({ dataDir: mounted.dir });
    const cognito = adminClient(system.config, system.admin);
    user = await newSignedInUser(cognito, system.config, 'full@example.com', 'Correct-Horse-Battery-1!');
    cognito.destroy();
  });
  after(async () => {
    await system?.stop();
    if (mounted !== undefined && 'dir' in mounted) {
      execFileSync('umount', [mounted.dir]);
      rmSync(mounted.dir, { recursive: true, force: true });
    }
  });

  it('refuses writes with 507 and a clear message, keeps serving reads, and stays up', async () => {
    const body = randomBytes(100_000);
    expect(
      (await api()({ method: 'PUT', path: '/file', query: { key: 'before.bin' }, body })).status,
    ).to.equal(201);
    fill((mounted as { dir: string }).dir);

    for (const call of [
      { method: 'PUT', path: '/file', query: { key: 'after.bin' }, body },
      { method: 'POST', path: '/uploads', body: JSON.stringify({ key: 'big.bin', size: 50_000_000 }) },
      { method: 'POST', path: '/zips', body: JSON.stringify({ keys: ['before.bin'] }) },
    ]) {
      const refused = await api()(call);
      expect(refused.status, call.path).to.equal(507);
      expect(await refused.json()).to.deep.equal({
        error: {
          code: 'InsufficientStorage',
          message:
            "The local system's data folder is full: free disk space, then retry. Reading files still works.",
        },
      });
    }

    const listed = await api()({ method: 'GET', path: '/files' });
    expect(listed.status).to.equal(200);
    expect(((await listed.json()) as { files: { key: string }[] }).files.map((f) => f.key)).to.deep.equal([
      'before.bin',
    ]);
    const file = await api()({ method: 'GET', path: '/file', query: { key: 'before.bin' } });
    expect(file.status).to.equal(200);
    const download = await fetch(((await file.json()) as { url: string }).url);
    expect(Buffer.from(await download.arrayBuffer()).equals(body)).to.equal(true);
    // Still up after the refused writes: the usage route (the usage table) answers too.
    expect((await api()({ method: 'GET', path: '/usage' })).status).to.equal(200);
  });

  it('starts again on the full disk and serves reads; writes still answer 507', async () => {
    await system?.crash();
    system = await launchLocalSystem({ dataDir: (mounted as { dir: string }).dir });
    const listed = await api()({ method: 'GET', path: '/files' });
    expect(listed.status).to.equal(200);
    expect(((await listed.json()) as { files: { key: string }[] }).files.map((f) => f.key)).to.deep.equal([
      'before.bin',
    ]);
    const refused = await api()({ method: 'PUT', path: '/file', query: { key: 'x' }, body: 'x' });
    expect(refused.status).to.equal(507);
  });
});
