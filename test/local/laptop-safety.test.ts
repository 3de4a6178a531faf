import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { createDemoUser } from '../../local/demo-user';
import { startDynamoDb } from '../../local/dynamodb';
import { type LaunchedSystem, launchLocalSystem } from '../../local/launch';
import { isLoopbackHost } from '../../local/loopback-host';
import { checkPassword } from '../../local/user-pool/password-rules';
import { rawRequest } from './support/raw-http';

const portOf = (url: string) => Number(new URL(url).port);

describe('local mode on a laptop', () => {
  describe('answers only to its own loopback names (DNS rebinding)', () => {
    it('takes 127.0.0.1 and localhost, with or without a port, nothing else', () => {
      for (const host of [
        '127.0.0.1:4280',
        'localhost:4280',
        'LOCALHOST:4280',
        'localhost',
        '127.0.0.1:5173',
      ]) {
        expect(isLoopbackHost(host), host).to.equal(true);
      }
      for (const host of [
        'evil.example:4280',
        'evil.example',
        '127.0.0.1.evil.example:4280',
        'localhost.evil.example',
        'localhost.:4280',
        'localhost:4280:1',
        'localhost:',
        '[::1]:4280',
        '',
        undefined,
      ]) {
        expect(isLoopbackHost(host), host).to.equal(false);
      }
    });

    it('refuses another Host at the usage table (dynalite) with 421', async () => {
      const table = await startDynamoDb();
      try {
        const port = portOf(table.endpoint);
        const refused = await rawRequest(port, {
          method: 'POST',
          path: '/',
          headers: { Host: `evil.example:${port}`, 'X-Amz-Target': 'DynamoDB_20120810.ListTables' },
          body: '{}',
        });
        expect(refused.status).to.equal(421);
      } finally {
        await table.stop();
      }
    });
  });

  describe('a demo user with a password of its own per data folder', () => {
    const folders: string[] = [];
    after(() => Promise.all(folders.map((folder) => rm(folder, { recursive: true, force: true }))));

    it('differs between two fresh data folders, meets the password policy and is kept 0600', async () => {
      const users = [];
      for (let i = 0; i < 2; i++) {
        const folder = await mkdtemp(join(tmpdir(), 'lockbox-demo-user-'));
        folders.push(folder);
        users.push(createDemoUser(folder));
        const file = join(folder, 'demo-user.json');
        expect(JSON.parse(await readFile(file, 'utf8'))).to.deep.equal(users[i]);
        expect((await stat(file)).mode & 0o777).to.equal(0o600);
      }
      expect(users[0].password).to.not.equal(users[1].password);
      for (const user of users) checkPassword(user.password);
    });
  });

  describe('npm start in a fresh data folder', function () {
    this.timeout(120_000);
    let parent: string;
    let dataDir: string;
    let system: LaunchedSystem;

    before(async () => {
      parent = await mkdtemp(join(tmpdir(), 'lockbox-laptop-'));
      dataDir = join(parent, 'data');
      system = await launchLocalSystem({ dataDir });
    });
    after(async () => {
      expect(await system?.stop()).to.equal(0);
      await rm(parent, { recursive: true, force: true });
    });

    it('refuses a request with Host: evil.example:<port> at the API, Cognito, the app and S3 (421)', async () => {
      const apiPort = portOf(system.config.api_url);
      const s3Port = portOf(system.admin.s3Endpoint);
      for (const [port, path] of [
        [apiPort, '/local/files'],
        [apiPort, '/cognito-idp'],
        [apiPort, '/'],
        [apiPort, '/config.json'],
        [s3Port, `/${system.config.bucket_name}`],
      ] as const) {
        const refused = await rawRequest(port, {
          method: 'GET',
          path,
          headers: { Host: `evil.example:${port}` },
        });
        expect(refused.status, `${port} ${path}`).to.equal(421);
        expect(refused.body.toString()).to.not.include(system.config.user_pool_id);
        const own = await rawRequest(port, { method: 'GET', path, headers: { Host: `localhost:${port}` } });
        expect(own.status, `${port} ${path}`).to.not.equal(421);
      }
    });

    it('creates the data folder 0700 and every file in it 0600', async () => {
      const modes = await modesUnder(dataDir);
      expect(modes.get('.')).to.equal(0o700);
      expect(modes.size).to.be.greaterThan(10);
      for (const [path, mode] of modes) {
        expect(mode & 0o077, `${path} ${mode.toString(8)}`).to.equal(0);
      }
    });

    it('prints the demo user’s random password once, the one kept in demo-user.json', async () => {
      const kept = JSON.parse(await readFile(join(dataDir, 'demo-user.json'), 'utf8'));
      expect(system.output()).to.include(`${kept.email}  password ${kept.password}`);
      expect(kept.password).to.not.equal('Demo-Password-1!');
    });
  });
});

/** The permission bits of the folder ('.') and of everything under it, by relative path. */
async function modesUnder(root: string): Promise<Map<string, number>> {
  const modes = new Map<string, number>([['.', (await stat(root)).mode & 0o777]]);
  for (const entry of await readdir(root, { recursive: true })) {
    modes.set(entry, (await stat(join(root, entry))).mode & 0o777);
  }
  return modes;
}
