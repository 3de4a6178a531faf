import type { APIGatewayProxyEvent } from 'aws-lambda';
import { expect } from 'chai';
import sinon from 'sinon';
import { BUCKET, type S3Server, startS3Server } from '../../devtools/local-s3';
import { copyFiles } from '../../handlers/copy-files';
import { deleteFile } from '../../handlers/delete-file';
import { deleteFiles } from '../../handlers/delete-files';
import { getFile } from '../../handlers/get-file';
import { getUsage } from '../../handlers/get-usage';
import { MAX_JSON_BODY_BYTES } from '../../handlers/lib/http/body';
import type { Handler } from '../../handlers/lib/http/handler';
import { listDeletedFiles } from '../../handlers/list-deleted-files';
import { listFileVersions } from '../../handlers/list-file-versions';
import { listFiles } from '../../handlers/list-files';
import { moveFiles } from '../../handlers/move-files';
import { putFile } from '../../handlers/put-file';
import { restoreFiles } from '../../handlers/restore-files';
import { contractChecked } from '../support/contract-handler';
import { testDeps } from '../support/deps';
import { apiEvent, context, type EventParams, identityId, ORIGIN } from '../support/events';
import { logTo } from '../support/log-lines';
import { putObject } from '../support/objects';

// local/s3; the faults here are injected with sinon, not asked of the server.
describe('bad input and S3 faults on the file routes', () => {
  let s3: S3Server;
  const user = identityId();
  const logs: string[] = [];
  const routes: Record<string, (s3: S3Server) => Handler> = {};

  before(async () => {
    s3 = await startS3Server();
    await putObject(s3, `${user}/a.txt`, 'a');
    const deps = () => testDeps(s3, s3.client, logTo(logs));
    Object.assign(routes, {
      'GET /file': () => getFile(deps()),
      'PUT /file': () => putFile(deps(), { maxBytes: 1024 }),
      'DELETE /file': () => deleteFile(deps()),
      'POST /files/delete': () => deleteFiles(deps()),
      'GET /files': () => listFiles(deps()),
      'GET /usage': () => getUsage(deps()),
      'POST /files/copy': () => copyFiles(deps()),
      'POST /files/move': () => moveFiles(deps()),
    });
  });
  after(() => s3.stop());
  afterEach(() => {
    sinon.restore();
    logs.length = 0;
  });

  const send = (route: string, params: EventParams, tweak?: (event: APIGatewayProxyEvent) => void) => {
    const [method, path] = route.split(' ');
    const event = apiEvent({ identityId: user, method, path, ...params });
    tweak?.(event);
    return contractChecked(route, routes[route](s3))(event, context);
  };

  /** Every bad request: a 4xx with the error shape and CORS headers, never a 5xx. */
  async function expectClientError(
    route: string,
    params: EventParams,
    tweak?: (e: APIGatewayProxyEvent) => void,
  ) {
    const label = `${route} ${JSON.stringify(params).slice(0, 80)}`;
    const res = await send(route, params, tweak);
    expect(res.statusCode, label).to.be.within(400, 499);
    const body = JSON.parse(res.body);
    expect(body.error.code, label).to.be.a('string');
    expect(body.error.message, label).to.be.a('string');
    expect(res.headers?.['Access-Control-Allow-Origin'], label).to.equal(ORIGIN);
    // Where Amplify and the AWS SDKs read an error's type.
    expect(res.headers?.['x-amzn-ErrorType'], label).to.equal(body.error.code);
    return { status: res.statusCode, code: body.error.code };
  }

  it('answers malformed, wrong-typed and unknown JSON fields with 400', async () => {
    const bodies = ['', '{', 'null', '[]', '"keys"', '{"keys": }', '{"keys":["a"],"keys2":1}', '\u0000'];
    for (const body of bodies) await expectClientError('POST /files/delete', { body });
    for (const body of [
      {},
      { keys: null },
      { keys: 'a.txt' },
      { keys: { 0: 'a' } },
      { keys: [['a']] },
      { keys: [1] },
    ]) {
      expect(await expectClientError('POST /files/delete', { body })).to.deep.equal({
        status: 400,
        code: 'BadRequest',
      });
    }
    // Base64 from API Gateway that does not decode to JSON.
    await expectClientError('POST /files/delete', { body: Buffer.from([0xff, 0xfe, 0x00]) });
  });

  it('answers unknown, missing and repeated query parameters with 400', async () => {
    const badRequest = { status: 400, code: 'BadRequest' };
    const noQuery = (e: APIGatewayProxyEvent) => Object.assign(e, { queryStringParameters: null });
    const repeated = (e: APIGatewayProxyEvent) =>
      Object.assign(e, { multiValueQueryStringParameters: { key: ['a', 'b'] } });
    for (const route of ['GET /file', 'PUT /file', 'DELETE /file']) {
      expect(await expectClientError(route, { query: { key: 'a.txt', extra: '1' } })).to.deep.equal(
        badRequest,
      );
      expect(await expectClientError(route, { query: {} })).to.deep.equal(badRequest);
      expect(await expectClientError(route, {}, noQuery)).to.deep.equal(badRequest);
      expect(await expectClientError(route, { query: { key: 'b' } }, repeated)).to.deep.equal(badRequest);
    }
    // DELETE /file's optional versionId: once, and an id S3 could have issued.
    for (const versionId of ['', 'a'.repeat(1025), 'v?x=1', 'v\u0000', 'v w'])
      expect(await expectClientError('DELETE /file', { query: { key: 'a.txt', versionId } })).to.deep.equal(
        badRequest,
      );
    expect(
      await expectClientError('DELETE /file', { query: { key: 'a.txt', versionId: 'v1' } }, (e) =>
        Object.assign(e, { multiValueQueryStringParameters: { versionId: ['v1', 'v2'] } }),
      ),
    ).to.deep.equal(badRequest);
    await expectClientError('POST /files/delete', { query: { dryRun: 'true' }, body: { keys: ['a.txt'] } });
    await expectClientError('GET /files', { query: { limit: '0' } });
    await expectClientError('GET /files', { query: { limit: 'ten' } });
    await expectClientError('GET /files', { query: { verbose: '1' } });
    expect(await expectClientError('GET /usage', { query: { identityId: user } })).to.deep.equal(badRequest);
  });

  it('answers malformed copies and moves with 400 before any S3 call', async () => {
    const spy = sinon.spy(s3.client, 'send');
    const badRequest = { status: 400, code: 'BadRequest' };
    const invalidKey = { status: 400, code: 'InvalidKey' };
    const cases: [object, typeof badRequest][] = [
      [{}, badRequest],
      [{ from: 'a.txt' }, badRequest],
      [{ to: 'b.txt' }, badRequest],
      [{ from: 1, to: 'b.txt' }, badRequest],
      [{ from: 'a.txt', to: ['b.txt'] }, badRequest],
      [{ from: 'a.txt', to: 'b.txt', overwrite: 'yes' }, badRequest],
      [{ from: 'a.txt', to: 'b.txt', force: true }, badRequest],
      [{ from: 'a.txt', to: 'a.txt' }, badRequest],
      [{ from: 'dir/', to: 'dir/' }, badRequest],
      [{ from: 'dir/', to: 'dir/sub/' }, badRequest],
      [{ from: '', to: 'dir/' }, invalidKey],
      [{ from: 'dir/', to: 'file.txt' }, invalidKey],
      [{ from: 'a.txt', to: 'dir/' }, invalidKey],
      [{ from: 'a.txt', to: '' }, invalidKey],
      [{ from: '../a.txt', to: 'b.txt' }, invalidKey],
      [{ from: 'a.txt', to: '/b.txt' }, invalidKey],
      [{ from: 'a.txt', to: `${'x/'.repeat(600)}b.txt` }, invalidKey],
    ];
    for (const route of ['POST /files/copy', 'POST /files/move']) {
      for (const [body, expected] of cases)
        expect(
          await expectClientError(route, { body }),
          `${route} ${JSON.stringify(body).slice(0, 60)}`,
        ).to.deep.equal(expected);
      for (const body of ['', '{', '[]', 'null'])
        expect(await expectClientError(route, { body })).to.deep.equal(badRequest);
      await expectClientError(route, { query: { overwrite: 'true' }, body: { from: 'a.txt', to: 'b.txt' } });
    }
    expect(spy.callCount).to.equal(0);
  });

  it('answers bad keys with 400 InvalidKey on every route', async () => {
    const keys = ['', '/a', '../a', 'a\u0000', 'a'.repeat(2000), '\ud800', 'a/', 'a\u202e'];
    for (const key of keys) {
      for (const route of ['GET /file', 'PUT /file', 'DELETE /file']) {
        const res = await expectClientError(route, { query: { key }, body: Buffer.from('x') });
        expect(res, `${route} ${JSON.stringify(key).slice(0, 20)}`).to.deep.equal({
          status: 400,
          code: 'InvalidKey',
        });
      }
    }
  });

  it('answers oversize bodies with 413', async () => {
    const tooLarge = { status: 413, code: 'PayloadTooLarge' };
    const big = { query: { key: 'big' }, body: Buffer.alloc(1025) };
    expect(await expectClientError('PUT /file', big)).to.deep.equal(tooLarge);
    const huge = JSON.stringify({ keys: ['x'.repeat(MAX_JSON_BODY_BYTES)] });
    expect(await expectClientError('POST /files/delete', { body: huge })).to.deep.equal(tooLarge);
  });

  it('answers a missing, empty or malformed identity with 403, before any S3 call', async () => {
    const spy = sinon.spy(s3.client, 'send');
    for (const route of Object.keys(routes)) {
      for (const caller of [null, '', 'eu-west-1:not-a-uuid', `${user}/..`]) {
        const params = { identityId: caller, query: { key: 'a.txt' }, body: { keys: ['a.txt'] } };
        const res = await send(route, route === 'GET /files' ? { identityId: caller } : params);
        expect(res.statusCode, `${route} ${caller}`).to.equal(403);
      }
      await expectClientError(route, {}, (e) => Object.assign(e, { requestContext: {} }));
    }
    expect(spy.callCount).to.equal(0);
  });

  it('survives headers and bodies that API Gateway may leave null', async () => {
    for (const route of Object.keys(routes)) {
      const res = await send(route, {}, (e) => Object.assign(e, { headers: null, body: null }));
      expect(res.statusCode, route).to.be.below(500);
    }
  });

  describe('when S3 fails with a message naming the bucket and an ARN', () => {
    function s3Failure(status: number): Error {
      const error = new Error(
        `User arn:aws:sts::123456789012:assumed-role/lockbox-dev-get-file/fn is not authorized on ` +
          `arn:aws:s3:::${s3.bucket}/${user}/a.txt (bucket ${s3.bucket})`,
      );
      error.name = status === 503 ? 'SlowDown' : 'InternalError';
      return Object.assign(error, {
        $metadata: { httpStatusCode: status },
        Code: error.name,
        BucketName: s3.bucket,
      });
    }

    function expectNoLeak(label: string, text: string): void {
      for (const secret of [s3.bucket, 'arn:aws', '123456789012', 'not authorized', 'assumed-role', ' at ']) {
        expect(text, `${label} leaks ${secret}`).not.to.include(secret);
      }
    }

    // Not 403: on reads S3 means "absent" by it (lib/s3/s3-errors.ts), which GET /file answers with 404.
    for (const status of [500, 503]) {
      it(`answers 500 Internal with only a request id (S3 status ${status}), and logs no detail`, async () => {
        sinon.stub(s3.client, 'send').rejects(s3Failure(status));
        const requests: [string, EventParams][] = [
          ['GET /file', { query: { key: 'a.txt' } }],
          ['PUT /file', { query: { key: 'a.txt' }, body: Buffer.from('x') }],
          ['DELETE /file', { query: { key: 'a.txt' } }],
          ['GET /files', {}],
        ];
        for (const [route, params] of requests) {
          const res = await send(route, params);
          expect(res.statusCode, route).to.equal(500);
          expect(JSON.parse(res.body)).to.deep.equal({
            error: { code: 'Internal', message: 'Internal error. Request id: test-request-id' },
          });
          expect(res.headers?.['Access-Control-Allow-Origin'], route).to.equal(ORIGIN);
          expect(res.headers?.['x-amzn-ErrorType'], route).to.equal('Internal');
        }
        expect(logs).to.have.length(requests.length);
        for (const line of logs) expectNoLeak('log', line);
      });

      it(`reports each key as failed on POST /files/delete without leaking (S3 status ${status})`, async () => {
        sinon.stub(s3.client, 'send').rejects(s3Failure(status));
        const res = await send('POST /files/delete', { body: { keys: ['a.txt', 'folder/', '../x'] } });
        expect(res.statusCode).to.equal(200);
        const body = JSON.parse(res.body);
        expect(body.deleted).to.deep.equal([]);
        expect(body.errors.map((e: { key: string; code: string }) => [e.key, e.code])).to.deep.equal([
          ['../x', 'InvalidKey'],
          ['a.txt', 'Internal'],
          ['folder/', 'Internal'],
        ]);
        expectNoLeak('POST /files/delete', res.body);
      });
    }
  });

  it('never logs a presigned URL', async () => {
    const res = await send('GET /file', { query: { key: 'a.txt' } });
    expect(res.statusCode).to.equal(200);
    expect(logs).to.have.length(1);
    expect(logs[0]).not.to.include('X-Amz-Signature');
    expect(logs[0]).not.to.include('a.txt');
  });

  it("answers a guest, another pool's or another region's identity with 403, before any S3 call", async () => {
    const spy = sinon.spy(s3.client, 'send');
    const refused: EventParams[] = [
      { authenticationType: 'unauthenticated' },
      { identityPoolId: 'eu-west-1:11111111-2222-4333-8444-555555555555' },
      { identityId: identityId('us-east-1') },
    ];
    for (const route of Object.keys(routes)) {
      for (const caller of refused) {
        const res = await send(route, { query: { key: 'a.txt' }, body: { keys: ['a.txt'] }, ...caller });
        expect(res.statusCode, `${route} ${JSON.stringify(caller)}`).to.equal(403);
      }
    }
    expect(spy.callCount).to.equal(0);
  });
});

// The undo routes, on local/s3 with versioning on: every refusal is a 4xx before S3, every S3 fault a clean 500.
describe('bad input and S3 faults on the undo routes', () => {
  let s3: S3Server;
  const user = identityId();
  const logs: string[] = [];
  const undoRoutes: Record<string, () => Handler> = {};

  before(async () => {
    s3 = await startS3Server({ versionedBuckets: [BUCKET] });
    const deps = () => testDeps(s3, s3.client, logTo(logs));
    Object.assign(undoRoutes, {
      'GET /files/deleted': () => listDeletedFiles(deps()),
      'GET /file/versions': () => listFileVersions(deps()),
      'POST /files/restore': () => restoreFiles(deps()),
    });
  });
  after(() => s3.stop());
  afterEach(() => {
    sinon.restore();
    logs.length = 0;
  });

  const send = (route: string, params: EventParams) => {
    const [method, path] = route.split(' ');
    return contractChecked(route, undoRoutes[route]())(
      apiEvent({ identityId: user, method, path, ...params }),
      context,
    );
  };
  const codeOf = async (route: string, params: EventParams) => {
    const res = await send(route, params);
    return `${res.statusCode} ${JSON.parse(res.body).error?.code}`;
  };

  it('answers bad queries, keys, cursors and bodies with 400, before any S3 call', async () => {
    const spy = sinon.spy(s3.client, 'send');
    const cursor = Buffer.from(JSON.stringify({ p: `${identityId()}/`, t: 'x' })).toString('base64url');
    const badQueries: Record<string, string>[] = [
      { prefix: 'a' },
      { prefix: '../' },
      { cursor: '%%%' },
      { cursor },
      { limit: '1001' },
      { x: '1' },
    ];
    for (const query of badQueries) {
      expect(await codeOf('GET /files/deleted', { query }), JSON.stringify(query)).to.match(
        /^400 (BadRequest|InvalidKey)$/,
      );
    }
    const badKeys: Record<string, string>[] = [
      {},
      { key: '' },
      { key: 'a/' },
      { key: '../a' },
      { key: 'a', x: '1' },
    ];
    for (const query of badKeys) {
      expect(await codeOf('GET /file/versions', { query }), JSON.stringify(query)).to.match(
        /^400 (BadRequest|InvalidKey)$/,
      );
    }
    for (const body of [
      '{',
      '[]',
      { items: {} },
      { items: [{ key: 'a', versionId: 1 }] },
      { items: [], x: 1 },
    ]) {
      expect(await codeOf('POST /files/restore', { body }), JSON.stringify(body)).to.equal('400 BadRequest');
    }
    expect(
      await codeOf('POST /files/restore', { body: { items: [{ key: 'a\u0000', versionId: 'v' }] } }),
    ).to.equal('400 InvalidKey');
    for (const route of Object.keys(undoRoutes)) {
      for (const caller of [null, 'eu-west-1:not-a-uuid']) {
        const res = await send(route, { identityId: caller, query: { key: 'a' }, body: { items: [] } });
        expect(res.statusCode, `${route} ${caller}`).to.equal(403);
      }
    }
    expect(spy.callCount).to.equal(0);
  });

  it('answers an S3 failure with 500 and a request id only, or a failed item on restore', async () => {
    const failure = Object.assign(new Error(`arn:aws:s3:::${s3.bucket} is not authorized`), {
      name: 'InternalError',
      $metadata: { httpStatusCode: 500 },
    });
    sinon.stub(s3.client, 'send').rejects(failure);
    expect(await codeOf('GET /files/deleted', {})).to.equal('500 Internal');
    expect(await codeOf('GET /file/versions', { query: { key: 'a' } })).to.equal('500 Internal');
    const res = await send('POST /files/restore', { body: { items: [{ key: 'a', versionId: 'v' }] } });
    expect(JSON.parse(res.body)).to.deep.equal({ items: [{ key: 'a', versionId: 'v', status: 'failed' }] });
    for (const text of [...logs, res.body]) expect(text).not.to.include(s3.bucket);
  });
});
