import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { expect } from 'chai';
import { type LaunchedSystem, launchLocalSystem } from '../../local/launch';
import { localTarget, type Target } from '../../scripts/admin/target';
import { listUsers } from '../../scripts/admin/users';
import { runSmoke, type StepResult } from '../../scripts/smoke/steps';

const SMOKE = join(__dirname, '..', '..', 'scripts', 'smoke.ts');

/** `npm run smoke` runs it (as a process) and the smoke steps (as a library) against a local system. */
describe('smoke test against the local system', function () {
  this.timeout(180_000);
  let dataDir: string;
  let system: LaunchedSystem;
  let target: Target;

  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'lockbox-smoke-test-'));
    system = await launchLocalSystem({ dataDir });
    target = await localTarget(dataDir);
  });

  after(async () => {
    target?.close();
    expect(await system?.stop()).to.equal(0);
    await rm(dataDir, { recursive: true, force: true });
  });

  /** The users besides the local system's demo user. */
  async function users(): Promise<string[]> {
    return (await listUsers(target))
      .map((user) => user.email)
      .filter((email) => email !== 'demo@lockbox.local');
  }

  async function bucketKeys(): Promise<string[]> {
    const page = await target.s3.send(new ListObjectsV2Command({ Bucket: system.config.bucket_name }));
    return (page.Contents ?? []).map((object) => object.Key as string);
  }

  /** scripts/smoke.ts in its own process, as `npm run smoke -- --local` starts it. */
  async function smokeProcess(data: string): Promise<{ code: number; stdout: string }> {
    try {
      const { stdout } = await promisify(execFile)(
        process.execPath,
        ['--require', require.resolve('tsx/cjs'), SMOKE, '--local'],
        { env: { ...process.env, LOCKBOX_DATA: data } },
      );
      return { code: 0, stdout };
    } catch (error) {
      const failed = error as { code: number; stdout: string };
      return { code: failed.code, stdout: failed.stdout };
    }
  }

  it('passes every step (every route, a multipart upload, a zip job) and leaves no user and no data', async () => {
    const results: StepResult[] = [];
    expect(await runSmoke(target, (result) => results.push(result))).to.equal(true);
    expect(results.filter((r) => r.outcome !== 'ok')).to.deep.equal([]);
    const names = results.map((r) => r.name).join('\n');
    for (const route of [
      'PUT /file',
      'GET /files',
      'GET /file',
      'POST /uploads (single)',
      'POST /uploads (multipart',
      'POST /uploads/complete',
      'POST /uploads/abort',
      'POST /zips',
      'GET /zips/{id}',
      'POST /files/copy and POST /files/move',
      'DELETE /file',
      'POST /files/delete',
      'users delete --purge',
    ]) {
      expect(names).to.include(route);
    }
    expect(await users()).to.deep.equal([]);
    expect(await bucketKeys()).to.deep.equal([]);
  });

  it('as a process: one line per step with its time, exit 0', async () => {
    const { code, stdout } = await smokeProcess(dataDir);
    expect(code, stdout).to.equal(0);
    const steps = stdout.split('\n').filter((line) => /^(ok|FAIL|skip) /.test(line));
    expect(steps).to.have.length(14);
    for (const line of steps) expect(line).to.match(/^ok +\d+ ms {2}\S/);
    expect(stdout).to.match(/^passed in \d+\.\d s$/m);
  });

  it('fails at the first broken step, skips the rest but still deletes the user, exit 1', async () => {
    // The same system, with an API address where nothing listens: sign-in works, every route fails.
    const broken = await mkdtemp(join(tmpdir(), 'lockbox-smoke-broken-'));
    try {
      const config = JSON.parse(await readFile(join(dataDir, 'config.json'), 'utf8'));
      await writeFile(
        join(broken, 'config.json'),
        JSON.stringify({ ...config, api_url: 'http://127.0.0.1:9/local' }),
      );
      await writeFile(join(broken, 'admin.json'), await readFile(join(dataDir, 'admin.json')));
      const { code, stdout } = await smokeProcess(broken);
      expect(code, stdout).to.equal(1);
      const outcomes = stdout
        .split('\n')
        .filter((line) => /^(ok|FAIL|skip) /.test(line))
        .map((line) => line.slice(0, 4).trim());
      expect(outcomes).to.deep.equal(['ok', 'ok', 'FAIL', ...Array(10).fill('skip'), 'ok']);
      expect(stdout).to.match(/^FAIL +\d+ ms {2}PUT \/file\n {7}\S/m);
      expect(stdout).to.match(/^FAILED in /m);
      expect(await users()).to.deep.equal([]);
    } finally {
      await rm(broken, { recursive: true, force: true });
    }
  });
});
