import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { adminClient, createUser } from '../../devtools/local-session';
import { type LaunchedSystem, launchLocalSystem } from '../../local/launch';
import {
  createLockboxClient,
  isLockboxError,
  type LockboxClient,
  LockboxError,
  memoryStorage,
} from '../../packages/client/index';
import { unzip } from '../support/unzip';

const PASSWORD = 'Correct-Horse-Battery-1!';
const ODD_KEY = "a b:(c)'+%#&=~*!-Ünïcødé ß.txt";

/** Resolves with the LockboxError a promise rejects with; fails the test when it resolves. */
async function failure(promise: Promise<unknown>): Promise<LockboxError> {
  try {
    await promise;
  } catch (error) {
    expect(error).to.be.instanceOf(LockboxError);
    return error as LockboxError;
  }
  throw new Error('expected a LockboxError');
}

describe('@lockbox/client against the local system: sign-in, every route, typed errors', function () {
  this.timeout(120_000);
  let dataDir: string;
  let system: LaunchedSystem;
  let client: LockboxClient;
  /** Every Cognito and API call the client makes, as `<X-Amz-Target or METHOD path>`. */
  const calls: string[] = [];
  let clock = 0;

  const recordingFetch: typeof fetch = (input, init) => {
    const request = new Request(input, init);
    const target = request.headers.get('x-amz-target');
    calls.push(target ?? `${request.method} ${new URL(request.url).pathname}`);
    return fetch(request);
  };

  async function newUser(email: string): Promise<string> {
    const temporary = `Temp-${crypto.randomUUID()}-1a!`;
    await createUser(adminClient(system.config, system.admin), system.config, email, temporary);
    return temporary;
  }

  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'lockbox-client-'));
    system = await launchLocalSystem({ dataDir });
    client = createLockboxClient(system.config, { fetch: recordingFetch, now: () => Date.now() + clock });
  });

  after(async () => {
    expect(await system?.stop()).to.equal(0);
    await rm(dataDir, { recursive: true, force: true });
  });

  describe('auth', () => {
    it('signs an admin-created user in with SRP through the new-password challenge', async () => {
      const temporary = await newUser('alice@example.com');
      expect(await client.auth.currentUser()).to.equal(null);
      const first = await client.auth.signIn('alice@example.com', temporary);
      expect(first.status).to.equal('new-password-required');
      if (first.status !== 'new-password-required') return;
      const done = await first.complete(PASSWORD);
      expect(done.status).to.equal('signed-in');
      const user = await client.auth.currentUser();
      expect(user).to.include({ email: 'alice@example.com' });
      expect(user?.identityId).to.match(/^eu-west-1:[0-9a-f-]{36}$/);
    });

    it('refuses a wrong password with Cognito’s error, typed', async () => {
      const other = createLockboxClient(system.config);
      const error = await failure(other.auth.signIn('alice@example.com', 'Wrong-Horse-Battery-1!'));
      expect(error).to.include({ code: 'NotAuthorizedException', status: 400 });
      expect(error.message).to.equal('Incorrect username or password.');
      expect(error.requestId).to.be.a('string');
    });

    it('restores a session from its storage (a reload), and signs out for good', async () => {
      const storage = memoryStorage();
      const first = createLockboxClient(system.config, { storage });
      expect((await first.auth.signIn('alice@example.com', PASSWORD)).status).to.equal('signed-in');
      const identityId = (await first.auth.currentUser())?.identityId;

      const reloaded = createLockboxClient(system.config, { storage });
      expect((await reloaded.auth.currentUser())?.identityId).to.equal(identityId);
      expect((await reloaded.listFiles()).files).to.be.an('array');

      await reloaded.auth.signOut();
      expect(await reloaded.auth.currentUser()).to.equal(null);
      // The refresh token is revoked on the pool, not just forgotten: another tab holding it is out too.
      const otherTab = createLockboxClient(system.config, {
        storage: first === reloaded ? storage : storage,
      });
      expect(await otherTab.auth.currentUser()).to.equal(null);
      expect((await failure(reloaded.listFiles())).code).to.equal('NotSignedIn');
    });

    it('keeps the rotated refresh token: a reload after a refresh signs in with the new one', async () => {
      const storage = memoryStorage();
      let offset = 0;
      const first = createLockboxClient(system.config, { storage, now: () => Date.now() + offset });
      expect((await first.auth.signIn('alice@example.com', PASSWORD)).status).to.equal('signed-in');
      const stored = () => storage.getItem(`lockbox.${system.config.user_pool_client_id}.refreshToken`);
      const signedIn = stored();
      offset = 2 * 60 * 60 * 1000; // the ID token is stale: the next call refreshes
      await first.listFiles();
      const rotated = stored();
      expect(rotated).to.be.a('string').and.not.equal(signedIn);
      const reloaded = createLockboxClient(system.config, { storage });
      expect((await reloaded.listFiles()).files).to.be.an('array');
    });

    it('resets a forgotten password with the code the pool sends', async () => {
      const temporary = await newUser('carol@example.com');
      const carol = createLockboxClient(system.config);
      const first = await carol.auth.signIn('carol@example.com', temporary);
      if (first.status !== 'new-password-required') throw new Error(first.status);
      await first.complete(PASSWORD);
      await carol.auth.forgotPassword('carol@example.com');
      const code = /password reset code for carol@example\.com: (\d{6})/.exec(system.output())?.[1];
      expect(code).to.be.a('string');
      const wrong = await failure(
        carol.auth.confirmForgotPassword('carol@example.com', '000000', 'Other-Horse-1!'),
      );
      expect(wrong.code).to.be.oneOf(['CodeMismatchException', 'ExpiredCodeException']);
      await carol.auth.confirmForgotPassword('carol@example.com', code as string, 'New-Horse-Battery-2!');
      expect((await carol.auth.signIn('carol@example.com', 'New-Horse-Battery-2!')).status).to.equal(
        'signed-in',
      );
    });

    it('renews tokens and credentials before they expire, once for many concurrent calls', async () => {
      await client.listFiles();
      calls.length = 0;
      clock = 2 * 60 * 60 * 1000; // two hours on: the ID token (1 h) and the credentials are stale
      try {
        await Promise.all([
          client.listFiles(),
          client.listFiles(),
          client.getFile('nothing-here.txt').catch(() => {}),
        ]);
        expect(calls.filter((c) => c.endsWith('.GetTokensFromRefreshToken'))).to.have.length(1);
        expect(calls.filter((c) => c.endsWith('.InitiateAuth'))).to.have.length(0);
        expect(calls.filter((c) => c.endsWith('.GetCredentialsForIdentity'))).to.have.length(1);
        expect(calls.filter((c) => c.endsWith('.GetId'))).to.have.length(0); // the identity id is cached
      } finally {
        clock = 0;
      }
    });
  });

  describe('routes', () => {
    const folder = 'client/';
    const key = `${folder}${ODD_KEY}`;
    const text = 'hello from the client ✓';

    it('putFile, listFiles, getFile (and its download URL)', async () => {
      const stored = await client.putFile(key, text, 'text/plain; charset=utf-8');
      expect(stored).to.include({ key, size: new TextEncoder().encode(text).length });
      await client.putFile(`${folder}sub/bytes.bin`, new Uint8Array([1, 2, 3]));
      await client.putFile(`${folder}blob.bin`, new Blob(['blob']));

      const page = await client.listFiles({ prefix: folder });
      expect(page.files.map((f) => f.key)).to.have.members([key, `${folder}blob.bin`]);
      expect(page.folders).to.deep.equal([`${folder}sub/`]);
      expect(page.nextCursor).to.equal(null);

      const first = await client.listFiles({ prefix: folder, limit: 1 });
      expect(first.nextCursor).to.be.a('string');
      const second = await client.listFiles({
        prefix: folder,
        limit: 1,
        cursor: first.nextCursor ?? undefined,
      });
      expect(second.files.length + second.folders.length).to.equal(1);

      const file = await client.getFile(key);
      expect(file.contentType).to.equal('text/plain; charset=utf-8');
      expect(await (await fetch(file.url)).text()).to.equal(text);
      expect((await client.getFile(`${folder}sub/bytes.bin`)).contentType).to.equal(
        'application/octet-stream',
      );
    });

    it('zip(): starts a job, reports progress, answers the finished job with its download URL', async () => {
      const seen: string[] = [];
      const job = await client.zip([key, `${folder}sub/`], {
        name: 'client.zip',
        onProgress: (p) => seen.push(`${p.status} ${p.filesDone}/${p.fileCount}`),
      });
      expect(job).to.include({ status: 'done', fileCount: 2, filesDone: 2 });
      expect(seen.at(-1)).to.equal('done 2/2');
      const { entries } = await unzip(Buffer.from(await (await fetch(job.url)).arrayBuffer()));
      // Windows forbids ':' and '*' in names: the entry has '_' there (docs/zips.md).
      const windowsSafe = "a b_(c)'+%#&=~_!-Ünïcødé ß.txt";
      expect(entries.map((e) => e.name).sort()).to.deep.equal([windowsSafe, 'sub/bytes.bin'].sort());
      expect((await client.getZip(job.id)).status).to.equal('done');
    });

    it('zip() with an idempotencyKey follows the same job when called again; listZips() lists it first', async () => {
      const first = await client.zip([key], { idempotencyKey: 'client-test-1' });
      const again = await client.zip([key], { idempotencyKey: 'client-test-1' });
      expect(again.id).to.equal(first.id);
      const page = await client.listZips({ limit: 1 });
      expect(page.jobs).to.have.length(1);
      expect(page.jobs[0]).to.include({ id: first.id, status: 'done', name: 'files.zip' });
      expect(page.nextCursor).to.be.a('string');
    });

    it('deleteFiles and deleteFile', async () => {
      const result = await client.deleteFiles([`${folder}sub/`, '../escape.txt']);
      expect(result.deleted).to.deep.equal([`${folder}sub/`]);
      expect(result.errors.map((e) => e.code)).to.deep.equal(['InvalidKey']);
      await client.deleteFile(key);
      await client.deleteFile(`${folder}blob.bin`);
      expect((await client.listFiles({ prefix: folder })).files).to.deep.equal([]);
    });

    it('listDeletedFiles and restoreFiles bring a deleted file back; listFileVersions and getUsage', async () => {
      const deleted = await client.listDeletedFiles({ prefix: folder });
      const item = deleted.items.find((entry) => entry.key === key);
      if (item === undefined) throw new Error(`${key} is not among the deleted files`);
      const restored = await client.restoreFiles([item]);
      expect(restored.items).to.deep.equal([
        { key: item.key, versionId: item.versionId, status: 'restored', size: item.size },
      ]);
      const versions = await client.listFileVersions(key);
      expect(versions.items[0]).to.include({ isLatest: true, size: item.size });
      expect(versions.items.map((version) => version.versionId)).to.include(item.versionId);
      // The usage recorder counts the restored file from S3's event, a moment after the restore. Old
      // versions are counted already, so wait for the current file itself, not for bytes.
      let usage = await client.getUsage();
      for (let tries = 0; (usage.files < 1 || usage.currentBytes < item.size) && tries < 200; tries++) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        usage = await client.getUsage();
      }
      expect(usage).to.include({ quotaBytes: 10 * 1024 ** 3 });
      expect(usage.bytes).to.be.at.least(item.size);
      expect(usage.files).to.be.at.least(1);
      expect(usage.currentBytes + usage.versionBytes).to.equal(usage.bytes);
    });

    it('deleteFileVersion deletes an old version for good; the current one is Conflict', async () => {
      const [current, ...old] = (await client.listFileVersions(key)).items;
      expect(old.length).to.be.at.least(1);
      await client.deleteFileVersion(key, old[0].versionId);
      const left = (await client.listFileVersions(key)).items.map((version) => version.versionId);
      expect(left).to.include(current.versionId).and.not.include(old[0].versionId);
      try {
        await client.deleteFileVersion(key, current.versionId);
        expect.fail('deleted the current version');
      } catch (error) {
        expect(isLockboxError(error, 'Conflict')).to.equal(true);
      }
    });
  });

  describe('copy and move (rename), through the gateway and, for a large folder, the transfer worker', () => {
    it('renames a file, copies a folder, refuses to overwrite unless asked', async () => {
      await client.putFile('moves/a.txt', 'a', 'text/plain');
      await client.putFile(`moves/dir/${ODD_KEY}`, 'odd');
      const renamed = await client.move('moves/a.txt', 'moves/b.txt');
      expect(renamed).to.include({ status: 'done', filesDone: 1, bytesDone: 1 });
      expect((await client.getFile('moves/b.txt')).contentType).to.equal('text/plain');
      expect(isLockboxError(await failure(client.getFile('moves/a.txt')), 'NotFound')).to.equal(true);

      expect(await client.copy('moves/dir/', 'moves/copy/')).to.include({ status: 'done', filesDone: 1 });
      expect((await client.listFiles({ prefix: 'moves/copy/' })).files.map((f) => f.key)).to.deep.equal([
        `moves/copy/${ODD_KEY}`,
      ]);
      const conflict = await failure(client.copy('moves/b.txt', `moves/copy/${ODD_KEY}`));
      expect(conflict).to.include({ code: 'Conflict', status: 409 });
      await client.copy('moves/b.txt', `moves/copy/${ODD_KEY}`, { overwrite: true });
      expect(await (await fetch((await client.getFile(`moves/copy/${ODD_KEY}`)).url)).text()).to.equal('a');
    });

    it('moves a folder of 101 files as a background job, polled until done', async () => {
      const names = Array.from({ length: 101 }, (_, i) => `big/${String(i).padStart(3, '0')}.txt`);
      for (const name of names) await client.putFile(name, name);
      const seen: string[] = [];
      const job = await client.move('big/', 'moved/big/', { onProgress: (p) => seen.push(p.status) });
      expect(job).to.include({ status: 'done', filesDone: 101, filesFailed: 0 });
      expect('id' in job && (await client.getTransfer(job.id)).status).to.equal('done');
      expect(seen[0]).to.equal('pending');
      expect((await client.listFiles({ prefix: 'big/' })).files).to.deep.equal([]);
      const moved = await client.listFiles({ prefix: 'moved/big/', limit: 1000 });
      expect(moved.files.map((f) => f.key)).to.deep.equal(names.map((name) => `moved/${name}`));
    });
  });

  describe('errors, one typed class', () => {
    it('InvalidKey (400), NotFound (404), PayloadTooLarge (413), with status and request id', async () => {
      const invalid = await failure(client.getFile('../escape.txt'));
      expect(invalid).to.include({ code: 'InvalidKey', status: 400 });
      expect(invalid.requestId).to.match(/^[0-9a-f-]{36}$/);

      const missing = await failure(client.getFile('no/such/file.txt'));
      expect(missing).to.include({ code: 'NotFound', status: 404 });
      expect(isLockboxError(missing, 'NotFound')).to.equal(true);

      expect((await failure(client.getZip(crypto.randomUUID()))).code).to.equal('NotFound');
      expect((await failure(client.getZip('not-a-uuid'))).status).to.be.oneOf([400, 404]);
      const tooBig = await failure(client.putFile('big.bin', new Uint8Array(4 * 1024 * 1024 + 1)));
      expect(tooBig).to.include({ code: 'PayloadTooLarge', status: 413 });
      const badZip = await failure(client.zip(['no/such/file.txt']));
      expect(badZip).to.include({ code: 'NotFound', status: 404 });
    });

    it('API Gateway’s refusal of a bad signature is Unauthorized (403) with its message', async () => {
      const tampering: typeof fetch = async (input, init) => {
        const request = new Request(input, init);
        if (request.headers.has('authorization')) {
          request.headers.set(
            'authorization',
            request.headers.get('authorization')?.replace(/Signature=\w{4}/, 'Signature=0000') ?? '',
          );
        }
        return fetch(request);
      };
      const storage = memoryStorage();
      const signedIn = createLockboxClient(system.config, { storage });
      await signedIn.auth.signIn('alice@example.com', PASSWORD);
      const forged = createLockboxClient(system.config, { storage, fetch: tampering });
      const error = await failure(forged.listFiles());
      expect(error).to.include({ code: 'Unauthorized', status: 403 });
      expect(error.message).to.match(/signature/i);
      expect(error.requestId).to.be.a('string');
    });

    it('no answer is NetworkError, a fired signal is Aborted', async () => {
      const offline = createLockboxClient({ ...system.config, user_pool_endpoint: 'http://127.0.0.1:9/' });
      expect((await failure(offline.auth.signIn('alice@example.com', PASSWORD))).code).to.equal(
        'NetworkError',
      );
      const controller = new AbortController();
      controller.abort();
      expect((await failure(client.zip(['x.txt'], { signal: controller.signal }))).code).to.equal('Aborted');
    });
  });
});
