import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { getZip } from '../../handlers/get-zip';
import { zipArchiveKey } from '../../handlers/lib/zip-job-keys';
import { JOB_STOPPED, type JobStatus, STALE_AFTER_MS, writeStatus } from '../../handlers/lib/zip-job-records';
import { contractChecked } from '../support/contract-handler';
import { apiEvent, context, identityId } from '../support/events';
import { startFauxqs, type TestS3 } from '../support/s3-servers';
import { putObject, quiet } from '../support/zip-jobs';

// fauxqs. It does not check signatures nor honour response-content-disposition: the URL is checked for the
// object it serves and the name it asks for; presign.ts's own tests check signatures on s3rver.
describe('GET /zips/{id} on a real S3 server', () => {
  let s3: TestS3;
  const alice = identityId();
  const bob = identityId();
  const started = Date.parse('2026-01-01T10:00:00Z');

  const status = (fields: Partial<JobStatus>): JobStatus => ({
    status: 'pending',
    name: 'holiday photos.zip',
    fileCount: 3,
    totalBytes: 30,
    filesDone: 0,
    bytesDone: 0,
    updatedAt: new Date(started).toISOString(),
    ...fields,
  });

  async function newJob(fields: Partial<JobStatus>, owner = alice): Promise<string> {
    const jobId = randomUUID();
    await writeStatus(s3.client, s3.bucket, { identityId: owner, jobId }, status(fields));
    return jobId;
  }

  async function get(caller: string, id: string, now = started) {
    const handler = contractChecked(
      'GET /zips/{id}',
      getZip({ s3: s3.client, bucket: s3.bucket, http: quiet }, () => now),
    );
    const res = await handler(
      apiEvent({ identityId: caller, method: 'GET', path: `/zips/${id}`, pathParameters: { id } }),
      context,
    );
    return { status: res.statusCode, body: JSON.parse(res.body) };
  }

  before(async () => {
    s3 = await startFauxqs();
  });
  after(() => s3.stop());

  it('reports a running job with its progress and no URL', async () => {
    const id = await newJob({ status: 'running', filesDone: 1, bytesDone: 10 });
    const res = await get(alice, id);
    expect(res.status).to.equal(200);
    expect(res.body).to.deep.equal({ id, status: 'running', fileCount: 3, filesDone: 1, bytesDone: 10 });
  });

  it('gives a done job a short-lived URL that downloads the archive under its name', async () => {
    const id = await newJob({ status: 'done', filesDone: 3, bytesDone: 30, size: 4 });
    await putObject(s3, zipArchiveKey({ identityId: alice, jobId: id }), 'PK\u0005\u0006');
    const res = await get(alice, id, Date.now());
    expect(res.body).to.include({ id, status: 'done', fileCount: 3, filesDone: 3, bytesDone: 30, size: 4 });
    const minutes = (Date.parse(res.body.expiresAt) - Date.now()) / 60_000;
    expect(minutes).to.be.within(1, 15);

    const download = await fetch(res.body.url);
    expect(download.status).to.equal(200);
    expect(await download.text()).to.equal('PK\u0005\u0006');
    const disposition = new URL(res.body.url).searchParams.get('response-content-disposition');
    expect(disposition).to.contain("filename*=UTF-8''holiday%20photos.zip");
  });

  it('reports a failed job with its reason', async () => {
    const id = await newJob({ status: 'failed', error: 'File "a.txt" could not be read.' });
    const res = await get(alice, id);
    expect(res.body).to.include({ status: 'failed', error: 'File "a.txt" could not be read.' });
    expect(res.body).not.to.have.property('url');
  });

  it('reports a job whose worker stopped moving as failed', async () => {
    const id = await newJob({ status: 'running', filesDone: 2, bytesDone: 20 });
    const fresh = await get(alice, id, started + STALE_AFTER_MS);
    expect(fresh.body.status).to.equal('running');
    const stale = await get(alice, id, started + STALE_AFTER_MS + 1);
    expect(stale.body).to.include({ status: 'failed', error: JOB_STOPPED, filesDone: 2 });
  });

  it('answers 404 for a done job whose archive has expired', async () => {
    const id = await newJob({ status: 'done', filesDone: 3, bytesDone: 30, size: 4 });
    const res = await get(alice, id);
    expect(res.status).to.equal(404);
  });

  it('answers the same 404 for an unknown id, a malformed id and another user’s job', async () => {
    const alicesDone = await newJob({ status: 'done', size: 4 });
    await putObject(s3, zipArchiveKey({ identityId: alice, jobId: alicesDone }), 'PK');
    const answers = await Promise.all([
      get(bob, randomUUID()),
      get(bob, '../../x'),
      get(bob, alicesDone.toUpperCase()),
      get(bob, `${alice}/${alicesDone}`),
      get(bob, alicesDone),
    ]);
    for (const res of answers) {
      expect(res.status).to.equal(404);
      expect(res.body).to.deep.equal({ error: { code: 'NotFound', message: 'Zip job not found.' } });
    }
  });
});
