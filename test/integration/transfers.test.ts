import { randomUUID } from 'node:crypto';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { expect } from 'chai';
import { BUCKET, type S3Server, startS3Server } from '../../devtools/local-s3';
import { copyFiles } from '../../handlers/copy-files';
import { getTransfer } from '../../handlers/get-transfer';
import { quotaFromEnv } from '../../handlers/lib/quotas/quota-deps';
import { INLINE_MAX_FILES } from '../../handlers/lib/transfers/route';
import { moveFiles } from '../../handlers/move-files';
import { transferWorker } from '../../handlers/transfer-worker';
import { callRoute } from '../support/call';
import { testDeps } from '../support/deps';
import { identityId } from '../support/events';
import { logTo } from '../support/log-lines';
import { getObject, keysUnder, putObject } from '../support/objects';

// local/s3 with versioning, as the stack's bucket: it enforces If-None-Match on CopyObject.
describe('POST /files/copy and /files/move, GET /transfers/{id}', () => {
  let s3: S3Server;
  before(async () => {
    s3 = await startS3Server({ versionedBuckets: [BUCKET] });
  });
  after(() => s3.stop());

  const copy = (user: string, body: object) =>
    callRoute('POST /files/copy', copyFiles(testDeps(s3)), user, { body });
  const move = (user: string, body: object) =>
    callRoute('POST /files/move', moveFiles(testDeps(s3)), user, { body });
  const text = async (key: string) => (await getObject(s3, key)).bytes.toString();

  /** Runs the transfer worker as S3's notification of the job's request would, with `remainingMs` left. */
  async function runWorker(user: string, jobId: string, remainingMs = 600_000) {
    const logs: string[] = [];
    const worker = transferWorker({
      s3: s3.client,
      bucket: s3.bucket,
      s3ForCaller: () => s3.client,
      log: logTo(logs),
    });
    const key = `transfers/${encodeURIComponent(user)}/${jobId}/request.json`;
    await worker(
      { Records: [{ eventName: 'ObjectCreated:Put', s3: { bucket: { name: s3.bucket }, object: { key } } }] },
      { awsRequestId: 'worker-request', getRemainingTimeInMillis: () => remainingMs },
    );
    return logs.map((line) => JSON.parse(line));
  }

  it('renames a file: the new key has its bytes and content type, the old one is gone', async () => {
    const user = identityId();
    await s3.client.send(
      new PutObjectCommand({
        Bucket: s3.bucket,
        Key: `${user}/notes/todo.txt`,
        Body: 'milk',
        ContentType: 'text/plain',
      }),
    );
    const res = await move(user, { from: 'notes/todo.txt', to: 'notes/done.txt' });
    expect(res.status).to.equal(200);
    expect(res.body).to.deep.equal({
      status: 'done',
      operation: 'move',
      from: 'notes/todo.txt',
      to: 'notes/done.txt',
      filesDone: 1,
      bytesDone: 4,
      filesFailed: 0,
      errors: [],
    });
    expect(await keysUnder(s3, `${user}/`)).to.deep.equal([`${user}/notes/done.txt`]);
    expect(await getObject(s3, `${user}/notes/done.txt`)).to.deep.include({ contentType: 'text/plain' });
    expect(await text(`${user}/notes/done.txt`)).to.equal('milk');
  });

  it('copies a folder to the same relative keys, sources untouched', async () => {
    const user = identityId();
    for (const name of ['a.txt', 'sub/b.txt', 'sub/deep/c.txt'])
      await putObject(s3, `${user}/photos/${name}`, name);
    await putObject(s3, `${user}/photos-other.txt`, 'not in the folder');
    const res = await copy(user, { from: 'photos/', to: 'archive/2024/' });
    expect(res.status).to.equal(200);
    expect(res.body).to.deep.include({ status: 'done', filesDone: 3, filesFailed: 0 });
    expect(await keysUnder(s3, `${user}/archive/`)).to.deep.equal(
      ['a.txt', 'sub/b.txt', 'sub/deep/c.txt'].map((name) => `${user}/archive/2024/${name}`),
    );
    expect(await text(`${user}/archive/2024/sub/deep/c.txt`)).to.equal('sub/deep/c.txt');
    expect(await keysUnder(s3, `${user}/photos/`)).to.have.length(3);
  });

  it('moves a folder to the root, which holds files and so takes overwrite, and leaves nothing behind', async () => {
    const user = identityId();
    await putObject(s3, `${user}/inbox/2024/a.txt`, 'a');
    expect((await move(user, { from: 'inbox/2024/', to: '' })).status).to.equal(409);
    const res = await move(user, { from: 'inbox/2024/', to: '', overwrite: true });
    expect(res.status).to.equal(200);
    expect(await keysUnder(s3, `${user}/`)).to.deep.equal([`${user}/a.txt`]);
  });

  it('refuses to replace a file or fill a non-empty folder with 409 unless asked to overwrite', async () => {
    const user = identityId();
    await putObject(s3, `${user}/a.txt`, 'new');
    await putObject(s3, `${user}/b.txt`, 'old');
    await putObject(s3, `${user}/dir/x.txt`, 'x');
    await putObject(s3, `${user}/full/y.txt`, 'y');
    for (const attempt of [
      () => copy(user, { from: 'a.txt', to: 'b.txt' }),
      () => move(user, { from: 'a.txt', to: 'b.txt' }),
      () => move(user, { from: 'dir/', to: 'full/', overwrite: false }),
    ]) {
      const res = await attempt();
      expect(res.status).to.equal(409);
      expect(res.body.error.code).to.equal('Conflict');
    }
    expect(await text(`${user}/b.txt`)).to.equal('old');
    expect(await keysUnder(s3, `${user}/`)).to.have.length(4);

    expect((await move(user, { from: 'a.txt', to: 'b.txt', overwrite: true })).status).to.equal(200);
    expect(await text(`${user}/b.txt`)).to.equal('new');
    expect((await move(user, { from: 'dir/', to: 'full/', overwrite: true })).status).to.equal(200);
    expect(await keysUnder(s3, `${user}/`)).to.deep.equal([
      `${user}/b.txt`,
      `${user}/full/x.txt`,
      `${user}/full/y.txt`,
    ]);
  });

  it('answers 404 for a missing file or an empty folder', async () => {
    const user = identityId();
    for (const from of ['missing.txt', 'missing/']) {
      const res = await copy(user, { from, to: from.endsWith('/') ? 'elsewhere/' : 'elsewhere.txt' });
      expect(res.status, from).to.equal(404);
    }
  });

  it('holds a copy in the quota before S3 copies it; a move needs no room', async () => {
    const user = identityId();
    await putObject(s3, `${user}/big.txt`, '0123456789');
    // The run's usage table (test/setup.ts), with a quota of 9 bytes for this user (no recorder runs
    // here: the table counts none of their bytes, so only the copy's own hold can pass the quota).
    const within9 = copyFiles(testDeps(s3), { ...quotaFromEnv(), quotaBytes: 9 });
    const refused = await callRoute('POST /files/copy', within9, user, {
      body: { from: 'big.txt', to: 'copy.txt' },
    });
    expect(refused.status).to.equal(409);
    expect(refused.body.error.code).to.equal('QuotaExceeded');
    expect(await keysUnder(s3, `${user}/`)).to.deep.equal([`${user}/big.txt`]);
    expect((await move(user, { from: 'big.txt', to: 'moved.txt' })).status).to.equal(200);
  });

  it(`runs a folder of more than ${INLINE_MAX_FILES} files as a job, across worker runs`, async () => {
    const user = identityId();
    const count = INLINE_MAX_FILES + 5;
    const names = Array.from({ length: count }, (_, i) => `f${String(i).padStart(3, '0')}.txt`);
    for (const name of names) await putObject(s3, `${user}/many/${name}`, name);
    await putObject(s3, `${user}/elsewhere/keep.txt`, 'keep');

    const started = await move(user, { from: 'many/', to: 'moved/' });
    expect(started.status).to.equal(202);
    expect(started.body).to.deep.include({ status: 'pending', operation: 'move', filesDone: 0 });
    const id = started.body.id;
    const poll = () =>
      callRoute('GET /transfers/{id}', getTransfer(testDeps(s3)), user, {
        path: `/transfers/${id}`,
        pathParameters: { id },
      });
    expect((await poll()).body.status).to.equal('pending');

    // A run with under a minute left stops after its first page and starts the next run.
    const first = await runWorker(user, id, 10_000);
    expect(first[0].outcome).to.equal('continued');
    const firstPage = first[0].filesDone;
    expect(firstPage).to.be.within(1, count - 1);
    expect((await poll()).body).to.deep.include({ status: 'running', filesDone: firstPage });
    expect(await keysUnder(s3, `${user}/many/`)).to.have.length(count - firstPage);
    const second = await runWorker(user, id);
    expect(second[0]).to.deep.include({ outcome: 'done', filesDone: count });
    const done = await poll();
    expect(done.body).to.deep.include({
      status: 'done',
      filesDone: count,
      filesFailed: 0,
      bytesDone: count * 8,
    });
    expect(await keysUnder(s3, `${user}/many/`)).to.deep.equal([]);
    expect(await keysUnder(s3, `${user}/moved/`)).to.deep.equal(names.map((name) => `${user}/moved/${name}`));
    // A repeated event for an ended job changes nothing.
    expect((await runWorker(user, id))[0]).to.deep.include({ outcome: 'skipped' });
  });

  it("fails a forged job record that names another user's files, and touches none of them", async () => {
    const alice = identityId();
    const bob = identityId();
    await putObject(s3, `${bob}/secret.txt`, 'bob secret');
    const forge = async (from: string) => {
      const jobId = randomUUID();
      const folder = `transfers/${alice}/${jobId}`;
      const status = {
        status: 'pending',
        operation: 'move',
        from,
        to: 'stolen.txt',
        filesDone: 0,
        bytesDone: 0,
      };
      await putObject(
        s3,
        `${folder}/status.json`,
        JSON.stringify({ ...status, updatedAt: new Date().toISOString() }),
      );
      await putObject(
        s3,
        `${folder}/request.json`,
        JSON.stringify({ operation: 'move', from, to: 'stolen.txt', overwrite: true }),
      );
      return (await runWorker(alice, jobId))[0];
    };
    // A key that leaves the owner's folder is refused before any copy; one that spells Bob's folder
    // literally is a key of Alice's own folder, where there is no such file.
    expect(await forge(`../${bob}/secret.txt`)).to.deep.include({
      outcome: 'failed',
      reason: 'malformed request',
    });
    expect(await forge(`${bob}/secret.txt`)).to.deep.include({ outcome: 'refused' });
    expect(await keysUnder(s3, `${bob}/`)).to.deep.equal([`${bob}/secret.txt`]);
    expect(await keysUnder(s3, `${alice}/`)).to.deep.equal([]);
  });

  it("answers 404 for another user's transfer, a malformed id and an unknown one", async () => {
    const alice = identityId();
    const bob = identityId();
    for (let i = 0; i <= INLINE_MAX_FILES; i++) await putObject(s3, `${alice}/many/${i}.txt`, 'x');
    const started = await copy(alice, { from: 'many/', to: 'copy/' });
    expect(started.status).to.equal(202);
    for (const [caller, id] of [
      [bob, started.body.id],
      [alice, 'not-a-uuid'],
      [alice, '00000000-0000-4000-8000-000000000000'],
    ]) {
      const res = await callRoute('GET /transfers/{id}', getTransfer(testDeps(s3)), caller, {
        path: `/transfers/${id}`,
        pathParameters: { id },
      });
      expect(res.status, `${caller} ${id}`).to.equal(404);
    }
  });
});
