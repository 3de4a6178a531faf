import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import sinon from 'sinon';
import { type S3Server, startS3Server } from '../../devtools/local-s3';
import { createZip } from '../../handlers/create-zip';
import { getZip } from '../../handlers/get-zip';
import { MAX_JSON_BODY_BYTES } from '../../handlers/lib/http/body';
import type { Handler } from '../../handlers/lib/http/handler';
import { listZips } from '../../handlers/list-zips';
import { contractChecked } from '../support/contract-handler';
import { apiEvent, context, type EventParams, IDENTITY_POOL_ID, identityId, ORIGIN } from '../support/events';
import { logTo } from '../support/log-lines';
import { putObject } from '../support/objects';

// local/s3; the faults here are injected with sinon, not asked of the server.
describe('bad input and S3 faults on the zip routes', () => {
  let s3: S3Server;
  let logs: string[];
  let routes: Record<'POST /zips' | 'GET /zips/{id}' | 'GET /zips', Handler>;
  const user = identityId();
  const jobId = randomUUID();

  before(async () => {
    s3 = await startS3Server();
    await putObject(s3, `${user}/a.txt`, 'a');
  });
  after(() => s3.stop());
  beforeEach(() => {
    logs = [];
    const deps = {
      s3: s3.client,
      s3ForCaller: () => s3.client,
      bucket: s3.bucket,
      http: {
        allowedOrigins: [ORIGIN],
        identityPoolId: IDENTITY_POOL_ID,
        log: logTo(logs),
      },
    };
    routes = {
      'POST /zips': contractChecked('POST /zips', createZip(deps, { maxFiles: 10, maxBytes: 1024 })),
      'GET /zips/{id}': contractChecked('GET /zips/{id}', getZip(deps)),
      'GET /zips': contractChecked('GET /zips', listZips(deps)),
    };
  });
  afterEach(() => sinon.restore());

  const requests: Record<keyof typeof routes, EventParams> = {
    'POST /zips': { method: 'POST', path: '/zips', body: { keys: ['a.txt'] } },
    'GET /zips/{id}': { method: 'GET', path: `/zips/${jobId}`, pathParameters: { id: jobId } },
    'GET /zips': { method: 'GET', path: '/zips' },
  };
  const send = (route: keyof typeof routes, params: EventParams = {}) =>
    routes[route](apiEvent({ identityId: user, ...requests[route], ...params }), context);

  for (const route of ['POST /zips', 'GET /zips/{id}', 'GET /zips'] as const) {
    it(`${route}: a missing or malformed identity is 403 before any S3 call`, async () => {
      const spy = sinon.spy(s3.client, 'send');
      for (const caller of [null, '', 'eu-west-1:not-a-uuid', `${user}/..`]) {
        const res = await send(route, { identityId: caller });
        expect(res.statusCode, String(caller)).to.equal(403);
        expect(JSON.parse(res.body).error.code).to.equal('Unauthorized');
      }
      expect(spy.callCount).to.equal(0);
    });

    it(`${route}: an unknown query parameter is 400 before any S3 call`, async () => {
      const spy = sinon.spy(s3.client, 'send');
      const res = await send(route, { query: { owner: user } });
      expect(res.statusCode).to.equal(400);
      expect(JSON.parse(res.body).error.code).to.equal('BadRequest');
      expect(spy.callCount).to.equal(0);
    });

    it(`${route}: an S3 failure naming the bucket and an ARN is a 500 naming only the request id`, async () => {
      const failure = Object.assign(new Error(`InternalError on arn:aws:s3:::${s3.bucket}/${user}/a.txt`), {
        name: 'InternalError',
        $metadata: { httpStatusCode: 500 },
      });
      sinon.stub(s3.client, 'send').rejects(failure);
      const res = await send(route);
      expect(res.statusCode).to.equal(500);
      expect(JSON.parse(res.body)).to.deep.equal({
        error: { code: 'Internal', message: 'Internal error. Request id: test-request-id' },
      });
      expect(logs).to.have.length(1);
      for (const text of [res.body, ...logs]) {
        expect(text).not.to.contain('arn:aws');
        expect(text).not.to.contain(s3.bucket);
      }
    });
  }

  it('POST /zips: a JSON body over 2 MiB is 413', async () => {
    const res = await send('POST /zips', { body: { keys: ['x'.repeat(MAX_JSON_BODY_BYTES)] } });
    expect(res.statusCode).to.equal(413);
    expect(JSON.parse(res.body).error.code).to.equal('PayloadTooLarge');
  });

  it('POST /zips: a malformed Idempotency-Key is 400 before any S3 call', async () => {
    const spy = sinon.spy(s3.client, 'send');
    for (const key of ['', 'k'.repeat(256), 'line\nbreak', 'ключ']) {
      const res = await send('POST /zips', { headers: { 'Idempotency-Key': key } });
      expect(res.statusCode, JSON.stringify(key)).to.equal(400);
      expect(JSON.parse(res.body).error.message).to.contain('Idempotency-Key');
    }
    expect(spy.callCount).to.equal(0);
  });

  it('GET /zips: a bad limit or a cursor that is not ours is 400 before any S3 call', async () => {
    const spy = sinon.spy(s3.client, 'send');
    const queries: Record<string, string>[] = [
      { limit: '0' },
      { limit: 'ten' },
      { cursor: 'x'.repeat(5000) },
      { cursor: '%%%' },
    ];
    for (const query of queries) {
      const res = await send('GET /zips', { query });
      expect(res.statusCode, JSON.stringify(query)).to.equal(400);
      expect(JSON.parse(res.body).error.code).to.equal('BadRequest');
    }
    expect(spy.callCount).to.equal(0);
  });
});
