import { expect } from 'chai';
import { type S3Server, startS3Server } from '../../devtools/local-s3';
import { zipFolder } from '../../handlers/lib/files/keys';
import { zipRequestKey } from '../../handlers/lib/zip/jobs/job-keys';
import { zipWorker } from '../../handlers/zip-worker';
import { identityId } from '../support/events';
import { keysUnder, putObject } from '../support/objects';
import { s3Event, workerContext, zipApi } from '../support/zip-jobs';

// local/s3: listing and the engine's multipart upload behave as on S3.
describe('zip jobs between two users', () => {
  let s3: S3Server;
  let api: ReturnType<typeof zipApi>;
  const alice = identityId();
  const bob = identityId();
  let alicesJob: string;

  before(async () => {
    s3 = await startS3Server();
    api = zipApi(s3);
    await putObject(s3, `${alice}/secret.txt`, 'alice only');
    await putObject(s3, `${alice}/private/plan.txt`, 'alice only');
    await putObject(s3, `${bob}/own.txt`, 'bob');
    alicesJob = (await api.create(alice, { keys: ['secret.txt'] })).body.id;
    const worker = zipWorker({ s3ForJob: () => s3.client, bucket: s3.bucket, log: () => {} });
    await worker(s3Event(s3.bucket, zipRequestKey({ identityId: alice, jobId: alicesJob })), workerContext());
    expect((await api.get(alice, alicesJob)).body.status).to.equal('done');
  });
  after(() => s3.stop());

  it("cannot zip Alice's files, however the key is written", async () => {
    for (const key of [
      `${alice}/secret.txt`,
      `../${alice}/secret.txt`,
      `%2e%2e/${alice}/secret.txt`,
      `/${alice}/secret.txt`,
      `${alice}/private/`,
      `zip/${alice}/${alicesJob}/archive.zip`,
      `./../${alice}/`,
    ]) {
      const res = await api.create(bob, { keys: ['own.txt', key] });
      expect(res.status, key).to.be.oneOf([400, 404]);
      expect(res.body.error.code, key).to.be.oneOf(['InvalidKey', 'NotFound']);
    }
    expect(await keysUnder(s3, zipFolder(bob))).to.deep.equal([]);
  });

  it("cannot poll Alice's job or get its URL", async () => {
    const res = await api.get(bob, alicesJob);
    expect(res.status).to.equal(404);
    expect(JSON.stringify(res.body)).not.to.contain('http');
    expect((await api.get(alice, alicesJob)).body.url).to.be.a('string');
  });

  it("cannot reach Alice's job through an id written as a path", async () => {
    for (const id of [`../${alice}/${alicesJob}`, `${alice}/${alicesJob}`, `${alicesJob}/../${alicesJob}`]) {
      expect((await api.get(bob, id)).status, id).to.equal(404);
    }
  });
});

// Idempotency-Key records rest on conditional writes, which local/s3 decides as S3 does.
describe('zip job listings and Idempotency-Keys between two users', () => {
  let s3: S3Server;
  let api: ReturnType<typeof zipApi>;
  const alice = identityId();
  const bob = identityId();

  before(async () => {
    s3 = await startS3Server();
    api = zipApi(s3);
    await putObject(s3, `${alice}/secret.txt`, 'alice only');
    await putObject(s3, `${bob}/own.txt`, 'bob');
  });
  after(() => s3.stop());

  it("lists none of Alice's jobs to Bob, and Bob's Idempotency-Key never returns Alice's job", async () => {
    const alices = await api.create(alice, { keys: ['secret.txt'] }, 'same-key');
    expect(alices.status).to.equal(202);
    expect((await api.list(bob)).body).to.deep.equal({ jobs: [], nextCursor: null });
    const bobs = await api.create(bob, { keys: ['own.txt'] }, 'same-key');
    expect(bobs.status).to.equal(202);
    expect(bobs.body.id).not.to.equal(alices.body.id);
    // Bob's replay with Alice's body gets his own job back (or a 409), never hers.
    const replay = await api.create(bob, { keys: ['secret.txt'] }, 'same-key');
    expect(replay.status).to.equal(409);
    expect(JSON.stringify((await api.list(bob)).body)).not.to.contain(alices.body.id);
    const listed = (await api.list(alice)).body.jobs.map((job: { id: string }) => job.id);
    expect(listed).to.include(alices.body.id);
    expect(listed).not.to.include(bobs.body.id);
  });
});
