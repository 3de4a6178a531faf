import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { type S3Server, startS3Server } from '../../devtools/local-s3';
import { getZip } from '../../handlers/get-zip';
import type { IdentityId } from '../../handlers/lib/files/keys';
import { zipArchiveKey } from '../../handlers/lib/zip/jobs/job-keys';
import {
  JOB_STOPPED,
  type JobStatus,
  staleAfterMs,
  writeStatus,
} from '../../handlers/lib/zip/jobs/job-records';
import { contractChecked } from '../support/contract-handler';
import { apiEvent, context, identityId } from '../support/events';
import { putObject } from '../support/objects';
import { quiet } from '../support/zip-jobs';

const started = Date.parse('2026-01-01T10:00:00Z');

/** A job record written straight to the server, as POST /zips and the worker leave it. */
async function writeJob(s3: S3Server, owner: IdentityId, fields: Partial<JobStatus>): Promise<string> {
  const jobId = randomUUID();
  await writeStatus(
    s3.client,
    s3.bucket,
    { identityId: owner, jobId },
    {
      status: 'pending',
      name: 'holiday photos.zip',
      fileCount: 3,
      totalBytes: 30,
      filesDone: 0,
      bytesDone: 0,
      updatedAt: new Date(started).toISOString(),
      ...fields,
    },
  );
  return jobId;
}

/** GET /zips/{id} as `caller`, with the clock at `now`. */
async function getJob(s3: S3Server, caller: string, id: string, now = started) {
  const handler = contractChecked(
    'GET /zips/{id}',
    getZip({ s3: s3.client, s3ForCaller: () => s3.client, bucket: s3.bucket, http: quiet }, () => now),
  );
  const res = await handler(
    apiEvent({ identityId: caller, method: 'GET', path: `/zips/${id}`, pathParameters: { id } }),
    context,
  );
  return { status: res.statusCode, body: JSON.parse(res.body) };
}

// local/s3. Here the URL is checked for the object it serves and the name it asks for; the describe below
// checks what a browser gets from it and that an edited URL is refused.
describe('GET /zips/{id} on a real S3 server', () => {
  let s3: S3Server;
  const alice = identityId();
  const bob = identityId();
  const newJob = (fields: Partial<JobStatus>, owner = alice) => writeJob(s3, owner, fields);
  const get = (caller: string, id: string, now = started) => getJob(s3, caller, id, now);

  before(async () => {
    s3 = await startS3Server();
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
    const runningFor = staleAfterMs('running', 3600);
    expect(runningFor).to.equal(20 * 60_000); // the worker's 15 minutes and a 5-minute margin
    const fresh = await get(alice, id, started + runningFor);
    expect(fresh.body.status).to.equal('running');
    const stale = await get(alice, id, started + runningFor + 1);
    expect(stale.body).to.include({ status: 'failed', error: JOB_STOPPED, filesDone: 2 });
  });

  it('keeps a queued job pending for the whole queue timeout, as the docs promise', async () => {
    const id = await newJob({ status: 'pending' });
    const waitingFor = staleAfterMs('pending', 3600);
    expect(waitingFor).to.equal(65 * 60_000); // the hour in Lambda's queue and a 5-minute margin
    expect((await get(alice, id, started + 30 * 60_000)).body.status).to.equal('pending');
    expect((await get(alice, id, started + waitingFor)).body.status).to.equal('pending');
    expect((await get(alice, id, started + waitingFor + 1)).body.status).to.equal('failed');
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

// local/s3 verifies presigned signatures (a URL edited to name another key is a 403) and honours
// response-content-disposition, so the downloaded file's name is the one a browser would save.
describe('GET /zips/{id}: the download URL on a server that verifies signatures', () => {
  let s3: S3Server;
  const alice = identityId();
  const bob = identityId();
  const name = 'Ferien (2024) é.zip';

  /** A done job of `owner` whose archive holds `bytes`, and the URL GET /zips/{id} hands out for it. */
  async function doneJob(owner: IdentityId, bytes: string): Promise<{ jobId: string; url: string }> {
    const jobId = await writeJob(s3, owner, { status: 'done', name, filesDone: 3, bytesDone: 30, size: 4 });
    await putObject(s3, zipArchiveKey({ identityId: owner, jobId }), bytes);
    const res = await getJob(s3, owner, jobId, Date.now());
    expect(res.body.status).to.equal('done');
    return { jobId, url: res.body.url };
  }

  before(async () => {
    s3 = await startS3Server();
  });
  after(() => s3.stop());

  it("downloads the archive as an attachment named after the job's name", async () => {
    const { url } = await doneJob(alice, 'PK-alice');
    const download = await fetch(url);
    expect(download.status).to.equal(200);
    expect(await download.text()).to.equal('PK-alice');
    expect(download.headers.get('content-disposition')).to.equal(
      `attachment; filename="Ferien (2024) _.zip"; filename*=UTF-8''Ferien%20%282024%29%20%C3%A9.zip`,
    );
  });

  it("refuses the URL edited to name another of the user's archives, another user's, or to open inline", async () => {
    const mine = await doneJob(alice, 'PK-alice-1');
    const other = await doneJob(alice, 'PK-alice-2');
    const bobs = await doneJob(bob, 'PK-bob');
    // Each target is there and served through its own URL: a refusal below is the signature's doing.
    expect(await (await fetch(other.url)).text()).to.equal('PK-alice-2');
    expect(await (await fetch(bobs.url)).text()).to.equal('PK-bob');

    const edited = (from: string, to: string) => {
      const url = new URL(mine.url);
      expect(url.pathname).to.contain(from);
      url.pathname = url.pathname.replace(from, to);
      return url;
    };
    const aliceFolder = `/zip/${encodeURIComponent(alice)}/`;
    const bobFolder = `/zip/${encodeURIComponent(bob)}/`;
    const inline = new URL(mine.url);
    inline.searchParams.set('response-content-disposition', 'inline');
    const tampered = [
      edited(`/${mine.jobId}/`, `/${other.jobId}/`),
      edited(`${aliceFolder}${mine.jobId}/`, `${bobFolder}${bobs.jobId}/`),
      inline,
    ];
    for (const url of tampered) {
      const res = await fetch(url);
      expect(res.status, url.href).to.equal(403);
      expect(await res.text(), url.href).not.to.contain('PK-');
    }
  });
});
