import { createHash, randomUUID } from 'node:crypto';
import { DeleteObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { expect } from 'chai';
import { type S3Server, startS3Server } from '../../devtools/local-s3';
import type { IdentityId } from '../../handlers/lib/files/keys';
import { ATTEMPT_TIMEOUT_MS, fingerprint } from '../../handlers/lib/zip/jobs/idempotency';
import { zipIdempotencyKey, zipRequestKey, zipSlotKey } from '../../handlers/lib/zip/jobs/job-keys';
import { readStatus, writeStatus } from '../../handlers/lib/zip/jobs/job-records';
import { zipFailed } from '../../handlers/zip-failed';
import { zipWorker } from '../../handlers/zip-worker';
import { identityId } from '../support/events';
import { logTo } from '../support/log-lines';
import { keysUnder, putObject } from '../support/objects';
import { getText, s3Event, workerContext, zipApi } from '../support/zip-jobs';

const CAP = 3;
const caps = { maxActiveJobs: CAP, queueTimeoutSeconds: 3600 };

// local/s3: its conditional writes are decided under a per-key lock, as S3 decides them.
describe('per-user zip caps on a real S3 server', () => {
  let s3: S3Server;
  let api: ReturnType<typeof zipApi>;
  const files = ['a.txt', 'b.txt'];

  before(async () => {
    s3 = await startS3Server();
    api = zipApi(s3, undefined, caps);
  });
  after(() => s3.stop());

  async function newUser(): Promise<IdentityId> {
    const user = identityId();
    for (const file of files) await putObject(s3, `${user}/${file}`, `${file} of ${user}`);
    return user;
  }

  async function unfinished(user: IdentityId): Promise<number> {
    const page = await api.list(user, { limit: '100' });
    expect(page.status).to.equal(200);
    return page.body.jobs.filter((job: { status: string }) => ['pending', 'running'].includes(job.status))
      .length;
  }

  const runWorker = (user: IdentityId, jobId: string) =>
    zipWorker({ s3ForJob: () => s3.client, bucket: s3.bucket, log: () => {} })(
      s3Event(s3.bucket, zipRequestKey({ identityId: user, jobId })),
      workerContext(),
    );

  it('answers 429 TooManyRequests once the caller has N unfinished jobs, and no other user is held back', async () => {
    const alice = await newUser();
    for (let i = 0; i < CAP; i++) expect((await api.create(alice, { keys: ['a.txt'] })).status).to.equal(202);
    const refused = await api.create(alice, { keys: ['a.txt'] });
    expect(refused.status).to.equal(429);
    expect(refused.body.error.code).to.equal('TooManyRequests');
    expect(refused.body.error.message).to.contain(`${CAP} zip jobs`);
    expect(await unfinished(alice)).to.equal(CAP);
    const bob = await newUser();
    expect((await api.create(bob, { keys: ['a.txt'] })).status).to.equal(202);
  });

  it('never lets concurrent POSTs racing for the last slots make more than N unfinished jobs', async () => {
    const alice = await newUser();
    expect((await api.create(alice, { keys: ['a.txt'] })).status).to.equal(202);
    const answers = await Promise.all(
      Array.from({ length: 8 }, () => api.create(alice, { keys: ['b.txt'] })),
    );
    const statuses = answers.map((res) => res.status).sort();
    expect(statuses.filter((status) => status === 202)).to.have.length(CAP - 1);
    expect(statuses.filter((status) => status === 429)).to.have.length(8 - (CAP - 1));
    expect(await unfinished(alice)).to.equal(CAP);
    const requests = (await keysUnder(s3, `zip/${alice}/`)).filter((key) => key.endsWith('/request.json'));
    expect(requests).to.have.length(CAP);
  });

  it('frees the slot when the worker finishes a job (done or failed), so a new job fits', async () => {
    const alice = await newUser();
    const ids: string[] = [];
    for (let i = 0; i < CAP; i++) ids.push((await api.create(alice, { keys: ['a.txt'] })).body.id);
    expect((await api.create(alice, { keys: ['a.txt'] })).status).to.equal(429);

    await runWorker(alice, ids[0]);
    expect((await api.get(alice, ids[0])).body.status).to.equal('done');
    const slotOf = async (id: string) =>
      (await readStatus(s3.client, s3.bucket, { identityId: alice, jobId: id }))?.slot;
    const freed = JSON.parse(
      await getText(s3.client, s3.bucket, zipSlotKey(alice, (await slotOf(ids[0])) as number)),
    );
    expect(freed.jobId).to.equal(null);
    const fourth = await api.create(alice, { keys: ['a.txt'] });
    expect(fourth.status).to.equal(202);
    expect(await slotOf(fourth.body.id)).to.equal(await slotOf(ids[0]));

    // A source deleted after POST: the job fails, and its slot is free again.
    const failing = ids[1];
    await s3.client.send(
      new DeleteObjectCommand({
        Bucket: s3.bucket,
        Key: `${alice}/a.txt`,
      }),
    );
    await runWorker(alice, failing);
    expect((await api.get(alice, failing)).body.status).to.equal('failed');
    await putObject(s3, `${alice}/a.txt`, 'back');
    expect((await api.create(alice, { keys: ['a.txt'] })).status).to.equal(202);
    expect((await api.create(alice, { keys: ['a.txt'] })).status).to.equal(429);
  });

  it('frees the slot when zip-failed records a job the worker could not finish', async () => {
    const alice = await newUser();
    const ids: string[] = [];
    for (let i = 0; i < CAP; i++) ids.push((await api.create(alice, { keys: ['a.txt'] })).body.id);
    const failed = zipFailed({ s3ForJob: () => s3.client, bucket: s3.bucket, log: () => {} });
    await failed(
      {
        requestContext: { condition: 'RetriesExhausted', approximateInvokeCount: 3 },
        requestPayload: s3Event(s3.bucket, zipRequestKey({ identityId: alice, jobId: ids[2] })),
      },
      { awsRequestId: 'test' },
    );
    expect((await api.get(alice, ids[2])).body.status).to.equal('failed');
    expect((await api.create(alice, { keys: ['a.txt'] })).status).to.equal(202);
    expect((await api.create(alice, { keys: ['a.txt'] })).status).to.equal(429);
  });

  it('reclaims a slot whose job ended without freeing it, or went stale, and fails the stale job', async () => {
    const alice = await newUser();
    const ids: string[] = [];
    for (let i = 0; i < CAP; i++) ids.push((await api.create(alice, { keys: ['a.txt'] })).body.id);
    const job = (id: string) => ({ identityId: alice, jobId: id });
    const status = async (id: string) =>
      (await readStatus(s3.client, s3.bucket, job(id))) as NonNullable<
        Awaited<ReturnType<typeof readStatus>>
      >;
    // Done without the release (a worker that died right after its last write).
    await writeStatus(s3.client, s3.bucket, job(ids[0]), {
      ...(await status(ids[0])),
      status: 'done',
      size: 1,
    });
    // Still pending long after the queue timeout: Lambda dropped its event.
    const old = new Date(Date.now() - 2 * 3600_000).toISOString();
    await writeStatus(s3.client, s3.bucket, job(ids[1]), { ...(await status(ids[1])), updatedAt: old });

    expect((await api.create(alice, { keys: ['a.txt'] })).status).to.equal(202);
    expect((await api.create(alice, { keys: ['a.txt'] })).status).to.equal(202);
    expect((await api.create(alice, { keys: ['a.txt'] })).status).to.equal(429);
    expect((await status(ids[1])).status).to.equal('failed');
    // The worker that finally gets the stale job's event leaves it failed.
    await runWorker(alice, ids[1]);
    expect((await status(ids[1])).status).to.equal('failed');
  });
});

describe('the worker against a POST /zips that fails a stale job', () => {
  let s3: S3Server;
  before(async () => {
    s3 = await startS3Server();
  });
  after(() => s3.stop());

  it('does not start a job whose status changed after it read it (the start is a conditional write)', async () => {
    const alice = identityId();
    await putObject(s3, `${alice}/a.txt`, 'alpha');
    const api = zipApi(s3, undefined, caps);
    const id = (await api.create(alice, { keys: ['a.txt'] })).body.id;
    const job = { identityId: alice, jobId: id };
    // Between the worker's status read and its start, the job is failed (as a slot taker would).
    const workerClient = s3.newClient();
    let interfered = false;
    workerClient.middlewareStack.add(
      (next, context) => async (args) => {
        const result = await next(args);
        if (!interfered && context.commandName === 'GetObjectCommand') {
          interfered = true;
          const status = (await readStatus(s3.client, s3.bucket, job)) as NonNullable<
            Awaited<ReturnType<typeof readStatus>>
          >;
          await writeStatus(s3.client, s3.bucket, job, { ...status, status: 'failed', error: 'stale' });
        }
        return result;
      },
      { step: 'initialize' },
    );
    const lines: string[] = [];
    await zipWorker({
      s3ForJob: () => workerClient,
      bucket: s3.bucket,
      log: logTo(lines),
    })(s3Event(s3.bucket, zipRequestKey(job)), workerContext());
    expect(interfered).to.equal(true);
    expect(JSON.parse(lines[0])).to.include({
      outcome: 'skipped',
      reason: 'status changed before the start',
    });
    expect((await readStatus(s3.client, s3.bucket, job))?.status).to.equal('failed');
  });
});

describe('Idempotency-Key on POST /zips', () => {
  let s3: S3Server;
  let api: ReturnType<typeof zipApi>;
  const alice = identityId();
  const bob = identityId();

  before(async () => {
    s3 = await startS3Server();
    api = zipApi(s3, undefined, { maxActiveJobs: 5, queueTimeoutSeconds: 3600 });
    for (const user of [alice, bob]) {
      await putObject(s3, `${user}/a.txt`, 'alpha');
      await putObject(s3, `${user}/b.txt`, 'bravo');
    }
  });
  after(() => s3.stop());

  const jobsOf = async (user: IdentityId) =>
    (await keysUnder(s3, `zip/${user}/`)).filter((key) => key.endsWith('/request.json'));

  it('answers a repeat with the same 202 and job, without making another', async () => {
    const first = await api.create(alice, { keys: ['a.txt'], name: 'one' }, 'key-1');
    const again = await api.create(alice, { keys: ['a.txt'], name: 'one' }, 'key-1');
    expect(first.status).to.equal(202);
    expect(again).to.deep.equal(first);
    expect(await jobsOf(alice)).to.have.length(1);
  });

  it('makes one job for concurrent requests with one key', async () => {
    const before = (await jobsOf(alice)).length;
    const answers = await Promise.all(
      Array.from({ length: 6 }, () => api.create(alice, { keys: ['b.txt'] }, 'key-concurrent')),
    );
    const made = answers.filter((res) => res.status === 202);
    expect(made.length).to.be.at.least(1);
    expect(new Set(made.map((res) => res.body.id)).size).to.equal(1);
    // The others found the first still being made: 409, and a retry then gets the job.
    for (const res of answers.filter((r) => r.status !== 202))
      expect(res.body.error.code).to.equal('Conflict');
    expect((await api.create(alice, { keys: ['b.txt'] }, 'key-concurrent')).body.id).to.equal(
      made[0].body.id,
    );
    expect(await jobsOf(alice)).to.have.length(before + 1);
  });

  it('refuses the same key with another body with 409 Conflict', async () => {
    await api.create(alice, { keys: ['a.txt'] }, 'key-2');
    const other = await api.create(alice, { keys: ['b.txt'] }, 'key-2');
    expect(other.status).to.equal(409);
    expect(other.body.error.code).to.equal('Conflict');
    expect(other.body.error.message).to.contain('another request');
  });

  it("keeps each user's keys apart", async () => {
    const alices = await api.create(alice, { keys: ['a.txt'] }, 'shared-key');
    const bobs = await api.create(bob, { keys: ['b.txt'] }, 'shared-key');
    expect(bobs.status).to.equal(202);
    expect(bobs.body.id).not.to.equal(alices.body.id);
  });

  it('lets a retry after a refusal (here a 404) make the job under the same key', async () => {
    const missing = await api.create(bob, { keys: ['late.txt'] }, 'key-retry');
    expect(missing.status).to.equal(404);
    await putObject(s3, `${bob}/late.txt`, 'here now');
    const retried = await api.create(bob, { keys: ['late.txt'] }, 'key-retry');
    expect(retried.status).to.equal(202);
  });

  it('answers 409 while an attempt with the key is running, and takes over one that died, with its job id', async () => {
    const carol = identityId();
    await putObject(s3, `${carol}/a.txt`, 'alpha');
    const jobId = randomUUID();
    const record = (attemptAgoMs: number) => ({
      fingerprint: fingerprint([['a.txt'], null]),
      jobId,
      createdAt: new Date(Date.now() - 5 * 60_000).toISOString(),
      attemptAt: new Date(Date.now() - attemptAgoMs).toISOString(),
    });
    const recordKey = zipIdempotencyKey(carol, createHash('sha256').update('key-died').digest('hex'));
    const put = (body: object) =>
      s3.client.send(new PutObjectCommand({ Bucket: s3.bucket, Key: recordKey, Body: JSON.stringify(body) }));
    await put(record(1_000));
    const busy = await api.create(carol, { keys: ['a.txt'] }, 'key-died');
    expect(busy.status).to.equal(409);
    expect(busy.body.error.message).to.contain('still in progress');
    await put(record(ATTEMPT_TIMEOUT_MS + 1_000));
    const taken = await api.create(carol, { keys: ['a.txt'] }, 'key-died');
    expect(taken).to.deep.include({ status: 202, body: { id: jobId, status: 'pending' } });
  });

  it('refuses a malformed key with 400 before any S3 write', async () => {
    const carol = identityId();
    for (const key of ['', 'x'.repeat(256), 'tab\there', 'é']) {
      const res = await api.create(carol, { keys: ['a.txt'] }, key);
      expect(res.status, JSON.stringify(key)).to.equal(400);
      expect(res.body.error.code).to.equal('BadRequest');
    }
    expect(await keysUnder(s3, `zip/${carol}/`)).to.deep.equal([]);
  });
});

describe('GET /zips', () => {
  let s3: S3Server;
  let api: ReturnType<typeof zipApi>;
  const alice = identityId();
  const bob = identityId();
  const ids: string[] = [];

  before(async () => {
    s3 = await startS3Server();
    api = zipApi(s3, undefined, { maxActiveJobs: 10, queueTimeoutSeconds: 3600 });
    await putObject(s3, `${alice}/a.txt`, 'alpha');
    await putObject(s3, `${bob}/b.txt`, 'bravo');
    for (let i = 0; i < 5; i++) {
      ids.push((await api.create(alice, { keys: ['a.txt'], name: `job ${i}` })).body.id);
      await new Promise((resolve) => setTimeout(resolve, 2)); // distinct creation times
    }
  });
  after(() => s3.stop());

  it('lists the caller’s jobs newest first, with status, name and createdAt, in pages', async () => {
    const seen: { id: string; name: string; status: string; createdAt: string }[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const res = await api.list(alice, { limit: '2', ...(cursor ? { cursor } : {}) });
      expect(res.status).to.equal(200);
      seen.push(...res.body.jobs);
      cursor = res.body.nextCursor ?? undefined;
      pages++;
    } while (cursor !== undefined);
    expect(pages).to.equal(3);
    expect(seen.map((job) => job.id)).to.deep.equal([...ids].reverse());
    expect(seen.map((job) => job.name)).to.deep.equal([
      'job 4.zip',
      'job 3.zip',
      'job 2.zip',
      'job 1.zip',
      'job 0.zip',
    ]);
    expect(seen.every((job) => job.status === 'pending')).to.equal(true);
    const times = seen.map((job) => Date.parse(job.createdAt));
    expect(times).to.deep.equal([...times].sort((a, b) => b - a));
  });

  it('shows another user none of them, and refuses their cursor', async () => {
    expect((await api.list(bob)).body).to.deep.equal({ jobs: [], nextCursor: null });
    const alicesCursor = (await api.list(alice, { limit: '1' })).body.nextCursor;
    const res = await api.list(bob, { cursor: alicesCursor });
    expect(res.status).to.equal(400);
    expect(res.body.error.message).to.equal('Invalid cursor.');
  });

  it('refuses a garbage cursor, a bad limit and unknown parameters with 400', async () => {
    const queries: Record<string, string>[] = [
      { cursor: 'garbage!' },
      { cursor: 'eyJwIjoiIiwidCI6IngifQ' },
      { limit: '0' },
      { limit: '101' },
      { prefix: 'x/' },
    ];
    for (const query of queries) {
      const res = await api.list(alice, query);
      expect(res.status, JSON.stringify(query)).to.equal(400);
      expect(res.body.error.code).to.equal('BadRequest');
    }
  });
});
