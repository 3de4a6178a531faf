import { randomBytes } from 'node:crypto';
import {
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
} from '@aws-sdk/client-s3';
import { expect } from 'chai';
import sinon from 'sinon';
import { type S3Server, startS3Server } from '../../devtools/local-s3';
import {
  type JobRef,
  zipArchiveKey,
  zipRequestKey,
  zipStatusKey,
} from '../../handlers/lib/zip/jobs/job-keys';
import { JOB_STOPPED } from '../../handlers/lib/zip/jobs/job-records';
import { OUT_OF_TIME } from '../../handlers/lib/zip/jobs/run-job';
import { zipFailed } from '../../handlers/zip-failed';
import { zipWorker } from '../../handlers/zip-worker';
import { identityId } from '../support/events';
import { logTo } from '../support/log-lines';
import { objectExists, putObject } from '../support/objects';
import { unzip } from '../support/unzip';
import { getText, s3Event, workerContext, zipApi } from '../support/zip-jobs';

// local/s3: it takes the engine's streamed multipart bodies and aborts uploads like S3.
describe('the zip worker on a real S3 server', () => {
  let s3: S3Server;
  let api: ReturnType<typeof zipApi>;
  let worker: ReturnType<typeof zipWorker>;
  const logs: string[] = [];
  const alice = identityId();

  const sources: Record<string, Buffer> = {
    'report.pdf': randomBytes(3000),
    'photos/2024/a b+c.jpg': randomBytes(5000),
    'photos/notes.txt': Buffer.from('notes\n'.repeat(200)),
    'empty.txt': Buffer.alloc(0),
  };

  /** POST /zips as alice, and the job it made. */
  async function newJob(keys: string[]): Promise<JobRef> {
    const res = await api.create(alice, { keys, name: 'bundle.zip' });
    expect(res.status).to.equal(202);
    return { identityId: alice, jobId: res.body.id };
  }

  const runWorker = (job: JobRef, context = workerContext()) =>
    worker(s3Event(s3.bucket, zipRequestKey(job)), context);

  before(async () => {
    s3 = await startS3Server();
    api = zipApi(s3);
    worker = zipWorker({
      s3ForJob: () => s3.client,
      bucket: s3.bucket,
      log: logTo(logs),
    });
    for (const [key, body] of Object.entries(sources)) await putObject(s3, `${alice}/${key}`, body);
  });
  after(() => s3.stop());
  afterEach(() => sinon.restore());

  it('zips the job into an archive that the GET URL downloads, with every name and byte of the sources', async () => {
    const job = await newJob(['report.pdf', 'photos/', 'empty.txt']);
    expect((await api.get(alice, job.jobId)).body.status).to.equal('pending');

    await runWorker(job);

    const res = await api.get(alice, job.jobId);
    expect(res.body.status).to.equal('done');
    const download = await fetch(res.body.url);
    expect(download.status).to.equal(200);
    const archive = Buffer.from(await download.arrayBuffer());
    expect(res.body.size).to.equal(archive.length);

    const { entries } = await unzip(archive);
    const expected = ['report.pdf', 'photos/2024/a b+c.jpg', 'photos/notes.txt', 'empty.txt'];
    expect(entries.map((entry) => entry.name)).to.deep.equal(expected);
    for (const entry of entries) {
      expect(entry.data.equals(sources[entry.name]), entry.name).to.equal(true);
    }
    const total = Object.values(sources).reduce((sum, body) => sum + body.length, 0);
    expect(res.body).to.include({ fileCount: 4, filesDone: 4, bytesDone: total });
    expect(JSON.parse(logs.at(-1) ?? '{}')).to.include({ jobId: job.jobId, outcome: 'done' });
  });

  it('records progress in status.json while it zips', async () => {
    const job = await newJob(['report.pdf', 'photos/', 'empty.txt']);
    const send = sinon.spy(s3.client, 'send');
    const eager = zipWorker(
      { s3ForJob: () => s3.client, bucket: s3.bucket, log: () => {} },
      { progressIntervalMs: 0 },
    );

    await eager(s3Event(s3.bucket, zipRequestKey(job)), workerContext());

    const written = send
      .getCalls()
      .map((call) => call.args[0])
      .filter((command) => command instanceof PutObjectCommand && command.input.Key === zipStatusKey(job))
      .map((command) => JSON.parse(String((command as PutObjectCommand).input.Body)));
    const progress = written.filter((status) => status.status === 'running').slice(1);
    expect(progress.length).to.be.greaterThan(0);
    for (const [i, status] of progress.entries()) {
      expect(status.filesDone).to.be.within(i === 0 ? 0 : progress[i - 1].filesDone, 4);
      expect(status.bytesDone).to.be.at.most(status.totalBytes);
    }
    expect(written.at(-1)).to.include({ status: 'done', filesDone: 4 });
  });

  it('does nothing when the event comes again after the job is done', async () => {
    const job = await newJob(['report.pdf']);
    await runWorker(job);
    const before = await s3.client.send(
      new HeadObjectCommand({ Bucket: s3.bucket, Key: zipArchiveKey(job) }),
    );

    const send = sinon.spy(s3.client, 'send');
    await runWorker(job);

    expect(send.callCount).to.equal(1);
    const only = send.firstCall.args[0];
    expect(only).to.be.instanceOf(GetObjectCommand);
    expect((only as GetObjectCommand).input.Key).to.equal(zipStatusKey(job));
    const after = await s3.client.send(new HeadObjectCommand({ Bucket: s3.bucket, Key: zipArchiveKey(job) }));
    expect(after.ETag).to.equal(before.ETag);
    expect((await api.get(alice, job.jobId)).body.status).to.equal('done');
  });

  it('marks the job failed, naming the file, when a source vanished after POST, and leaves no archive', async () => {
    await putObject(s3, `${alice}/doomed.txt`, 'soon gone');
    const job = await newJob(['report.pdf', 'doomed.txt']);
    await s3.client.send(new DeleteObjectCommand({ Bucket: s3.bucket, Key: `${alice}/doomed.txt` }));

    await runWorker(job);

    const res = await api.get(alice, job.jobId);
    expect(res.body.status).to.equal('failed');
    expect(res.body.error).to.contain('doomed.txt');
    expect(res.body).not.to.have.property('url');
    expect(await objectExists(s3, zipArchiveKey(job))).to.equal(false);
    // The log says where and why, not which file: keys stay out of the logs.
    const line = logs.at(-1) ?? '';
    expect(JSON.parse(line)).to.include({ jobId: job.jobId, outcome: 'failed', reason: 'read: NoSuchKey' });
    expect(JSON.parse(line)).to.include({ fileCount: 2 });
    expect(line).not.to.contain('doomed');
  });

  it('marks the job failed when storage refuses the archive, and leaves no archive', async () => {
    const job = await newJob(['report.pdf']);
    const send = s3.client.send.bind(s3.client);
    sinon.stub(s3.client, 'send').callsFake(((command: unknown) => {
      const key = (command as { input?: { Key?: string } }).input?.Key;
      if (key === zipArchiveKey(job) && !(command instanceof DeleteObjectCommand)) {
        return Promise.reject(Object.assign(new Error('Internal error'), { name: 'InternalError' }));
      }
      return send(command as GetObjectCommand);
    }) as typeof s3.client.send);

    await runWorker(job);
    sinon.restore();

    const res = await api.get(alice, job.jobId);
    expect(res.body.status).to.equal('failed');
    expect(res.body.error).to.match(/archive/i);
    expect(await objectExists(s3, zipArchiveKey(job))).to.equal(false);
  });

  it('stops before Lambda’s end and marks the job failed for lack of time', async () => {
    const job = await newJob(['report.pdf']);
    await runWorker(job, workerContext(10_000));
    const res = await api.get(alice, job.jobId);
    expect(res.body).to.include({ status: 'failed', error: OUT_OF_TIME });
    expect(await objectExists(s3, zipArchiveKey(job))).to.equal(false);
  });

  it('throws when it cannot record its state, so that Lambda retries; the retry finishes the job', async () => {
    const job = await newJob(['report.pdf']);
    const send = s3.client.send.bind(s3.client);
    sinon.stub(s3.client, 'send').callsFake(((command: unknown) => {
      if (command instanceof PutObjectCommand && command.input.Key === zipStatusKey(job)) {
        return Promise.reject(
          Object.assign(new Error('Service unavailable'), { name: 'ServiceUnavailable' }),
        );
      }
      return send(command as GetObjectCommand);
    }) as typeof s3.client.send);

    const error = await runWorker(job).then(
      () => undefined,
      (e: Error) => e,
    );
    expect(error?.name).to.equal('ServiceUnavailable');
    sinon.restore();

    await runWorker(job);
    expect((await api.get(alice, job.jobId)).body.status).to.equal('done');
  });

  it('refuses a job whose status stopped moving long ago, without zipping', async () => {
    const job = await newJob(['report.pdf']);
    const status = JSON.parse(await getText(s3.client, s3.bucket, zipStatusKey(job)));
    await putObject(s3, zipStatusKey(job), JSON.stringify({ ...status, updatedAt: '2020-01-01T00:00:00Z' }));
    const send = sinon.spy(s3.client, 'send');

    await runWorker(job);

    expect(send.getCalls().some((call) => call.args[0] instanceof CreateMultipartUploadCommand)).to.equal(
      false,
    );
    expect((await api.get(alice, job.jobId)).body).to.include({ status: 'failed', error: JOB_STOPPED });
  });

  it('refuses events that do not name a job request, without any S3 call', async () => {
    const job = await newJob(['report.pdf']);
    const send = sinon.spy(s3.client, 'send');
    for (const event of [
      s3Event('another-bucket', zipRequestKey(job)),
      s3Event(s3.bucket, zipStatusKey(job)),
      s3Event(s3.bucket, `${alice}/report.pdf`),
      s3Event(s3.bucket, `zip/${alice}/${job.jobId}/../request.json`),
      s3Event(s3.bucket, `zip/not-an-identity/${job.jobId}/request.json`),
      s3Event(s3.bucket, zipRequestKey(job), 'ObjectRemoved:Delete'),
      { Records: [{ s3: { object: { key: zipRequestKey(job) } } }] },
      {},
    ]) {
      await worker(event, workerContext());
    }
    expect(send.callCount).to.equal(0);
    expect((await api.get(alice, job.jobId)).body.status).to.equal('pending');
  });

  it("never reads a file outside the owner's folder, even from a forged request record", async () => {
    const bob = identityId();
    await putObject(s3, `${bob}/mine.txt`, 'bob');
    const bobApi = await api.create(bob, { keys: ['mine.txt'] });
    const job = { identityId: bob, jobId: bobApi.body.id };
    const forged = { name: 'x.zip', createdAt: new Date().toISOString(), entries: [] as object[] };
    forged.entries.push({ s3Key: `${alice}/report.pdf`, name: 'report.pdf', size: 3000 });
    await putObject(s3, zipRequestKey(job), JSON.stringify(forged));
    const send = sinon.spy(s3.client, 'send');

    await runWorker(job);

    const keysRead = send
      .getCalls()
      .map((call) => call.args[0])
      .filter((command) => command instanceof GetObjectCommand)
      .map((command) => (command as GetObjectCommand).input.Key);
    expect(keysRead.filter((key) => key?.startsWith(alice))).to.deep.equal([]);
    expect((await api.get(bob, job.jobId)).body).to.include({ status: 'failed', error: JOB_STOPPED });
    expect(await objectExists(s3, zipArchiveKey(job))).to.equal(false);
  });

  describe('zip-failed, the on-failure destination', () => {
    const destinationEvent = (job: JobRef) => ({
      version: '1.0',
      requestContext: { condition: 'RetriesExhausted', approximateInvokeCount: 3 },
      requestPayload: s3Event(s3.bucket, zipRequestKey(job)),
    });

    it('marks a job that was left running as failed', async () => {
      const job = await newJob(['report.pdf']);
      const status = JSON.parse(await getText(s3.client, s3.bucket, zipStatusKey(job)));
      await putObject(s3, zipStatusKey(job), JSON.stringify({ ...status, status: 'running', filesDone: 0 }));

      const lines: string[] = [];
      const handler = zipFailed({
        s3ForJob: () => s3.client,
        bucket: s3.bucket,
        log: logTo(lines),
      });
      await handler(destinationEvent(job), workerContext());

      expect((await api.get(alice, job.jobId)).body).to.include({ status: 'failed', error: JOB_STOPPED });
      expect(lines).to.have.length(1);
      expect(JSON.parse(lines[0])).to.include({
        identityId: alice,
        jobId: job.jobId,
        outcome: 'failed',
        reason: 'RetriesExhausted',
        attempts: 3,
        fileCount: 1,
        filesDone: 0,
      });
    });

    it('leaves a job that finished after all as done', async () => {
      const job = await newJob(['report.pdf']);
      await runWorker(job);
      const lines: string[] = [];
      const handler = zipFailed({
        s3ForJob: () => s3.client,
        bucket: s3.bucket,
        log: logTo(lines),
      });
      await handler(destinationEvent(job), workerContext());
      expect((await api.get(alice, job.jobId)).body.status).to.equal('done');
      expect(lines.map((line) => JSON.parse(line).outcome)).to.deep.equal(['skipped']);
    });
  });
});
