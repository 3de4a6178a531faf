import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { MAX_PUT_FILE_BYTES } from '../../contract/settings';
import { type S3Server, startS3Server } from '../../devtools/local-s3';
import { createUpload } from '../../handlers/create-upload';
import { createZip } from '../../handlers/create-zip';
import { getFile } from '../../handlers/get-file';
import { getZip } from '../../handlers/get-zip';
import type { Handler } from '../../handlers/lib/http/handler';
import { zipRequestKey } from '../../handlers/lib/zip/jobs/job-keys';
import { listFiles } from '../../handlers/list-files';
import { putFile } from '../../handlers/put-file';
import { zipWorker } from '../../handlers/zip-worker';
import { contractChecked } from '../support/contract-handler';
import { apiEvent, type EventParams, IDENTITY_POOL_ID, identityId, ORIGIN } from '../support/events';
import { logTo } from '../support/log-lines';
import { TEST_LIMITS, uploadDeps } from '../support/upload-deps';
import { s3Event, workerContext } from '../support/zip-jobs';

// local/s3: the round trip needs a working S3; what is checked here is the log.
describe('structured logs of a round trip: upload, download URL, zip', () => {
  let s3: S3Server;
  const logs: string[] = [];
  const log = logTo(logs);
  const user = identityId();
  const viaApi = `diary entry ${randomUUID()}`;
  const viaUrl = `notes ${randomUUID()}`;

  before(async () => {
    s3 = await startS3Server();
  });
  after(() => s3.stop());

  it('writes one JSON line per request and per job, with ids, status and duration, and no URL, bucket or content', async () => {
    const deps = {
      s3: s3.client,
      s3ForCaller: () => s3.client,
      bucket: s3.bucket,
      http: { allowedOrigins: [ORIGIN], identityPoolId: IDENTITY_POOL_ID, log },
    };
    const requests: { route: string; requestId: string; status: number }[] = [];
    const call = async (route: string, handler: Handler, params: EventParams) => {
      const [method, path] = route.split(' ');
      const requestId = randomUUID();
      const event = apiEvent({ identityId: user, method, path, ...params });
      const res = await contractChecked(route, handler)(event, { awsRequestId: requestId });
      requests.push({ route, requestId, status: res.statusCode });
      return JSON.parse(res.body);
    };

    await call('PUT /file', putFile(deps, { maxBytes: MAX_PUT_FILE_BYTES }), {
      query: { key: 'private/diary.txt' },
      body: Buffer.from(viaApi),
    });
    const upload = await call(
      'POST /uploads',
      createUpload({ ...uploadDeps(s3), http: deps.http }, TEST_LIMITS),
      {
        body: { key: 'private/notes.txt', size: Buffer.byteLength(viaUrl), contentType: 'text/plain' },
      },
    );
    expect(
      (await fetch(upload.url, { method: 'PUT', headers: upload.headers, body: viaUrl })).status,
    ).to.equal(200);
    const file = await call('GET /file', getFile(deps), { query: { key: 'private/diary.txt' } });
    expect(await (await fetch(file.url)).text()).to.equal(viaApi);
    await call('GET /files', listFiles(deps), { query: { prefix: 'private/' } });
    const { id } = await call('POST /zips', createZip(deps), { body: { keys: ['private/'] } });
    const workerRequestId = randomUUID();
    await zipWorker({ s3ForJob: () => s3.client, bucket: s3.bucket, log })(
      s3Event(s3.bucket, zipRequestKey({ identityId: user, jobId: id })),
      { ...workerContext(), awsRequestId: workerRequestId },
    );
    const zip = await call('GET /zips/{id}', getZip(deps), { path: `/zips/${id}`, pathParameters: { id } });
    expect(zip.status).to.equal('done');
    expect((await fetch(zip.url)).status).to.equal(200);

    const lines = logs.map((line) => JSON.parse(line));
    const apiLines = lines.filter((line) => 'route' in line);
    expect(apiLines).to.have.length(requests.length);
    for (const [i, line] of apiLines.entries()) {
      expect(Object.keys(line).sort()).to.deep.equal([
        'durationMs',
        'identityId',
        'requestId',
        'route',
        'status',
      ]);
      expect(line).to.include({ ...requests[i], identityId: user });
      expect(line.durationMs).to.be.a('number').and.at.least(0);
    }
    const jobLines = lines.filter((line) => 'jobId' in line);
    expect(jobLines).to.have.length(1);
    expect(jobLines[0]).to.include({
      requestId: workerRequestId,
      identityId: user,
      jobId: id,
      outcome: 'done',
      fileCount: 2,
      filesDone: 2,
      bytesDone: Buffer.byteLength(viaApi) + Buffer.byteLength(viaUrl),
    });
    expect(jobLines[0].durationMs).to.be.a('number');
    expect(lines).to.have.length(apiLines.length + jobLines.length);

    for (const line of logs) {
      for (const secret of [
        'X-Amz-Signature',
        'X-Amz-Credential',
        'http',
        s3.bucket,
        viaApi,
        viaUrl,
        'private/',
      ]) {
        expect(line, `a log line contains ${secret}`).not.to.contain(secret);
      }
    }
  });
});
