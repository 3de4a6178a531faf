import { GetObjectCommand } from '@aws-sdk/client-s3';
import type { APIGatewayProxyResult } from 'aws-lambda';
import { expect } from 'chai';
import sinon from 'sinon';
import { MIN_PART_BYTES } from '../../contract/s3-limits';
import { type S3Server, startS3Server } from '../../devtools/local-s3';
import { abortUpload } from '../../handlers/abort-upload';
import { completeUpload } from '../../handlers/complete-upload';
import { createUpload } from '../../handlers/create-upload';
import type { Handler } from '../../handlers/lib/http/handler';
import type { UploadDeps } from '../../handlers/lib/wiring/deps';
import { listUploadParts } from '../../handlers/list-upload-parts';
import { signUploadParts } from '../../handlers/sign-upload-parts';
import { contractChecked } from '../support/contract-handler';
import { apiEvent, context, type EventParams, IDENTITY_POOL_ID, identityId } from '../support/events';
import { logTo } from '../support/log-lines';
import { TEST_LIMITS, uploadDeps } from '../support/upload-deps';

const ETAG = '"0123456789abcdef0123456789abcdef"';
const part = (partNumber: unknown, etag: unknown = ETAG) => ({ partNumber, etag });

const badCreate: unknown[] = [
  '{',
  '',
  'null',
  '[]',
  '"key"',
  {},
  { key: 'a.txt', size: 1 },
  { key: 'a.txt', contentType: 'text/plain' },
  { size: 1, contentType: 'text/plain' },
  { key: 1, size: 1, contentType: 'text/plain' },
  { key: null, size: 1, contentType: 'text/plain' },
  { key: '../a.txt', size: 1, contentType: 'text/plain' },
  { key: 'folder/', size: 1, contentType: 'text/plain' },
  { key: 'a.txt', size: 1, contentType: 'text/plain', extra: true },
  ...[-1, 1.5, 1e300, 2 ** 53, '10', true, null, [1], { n: 1 }].map((size) => ({
    key: 'a.txt',
    size,
    contentType: 'text/plain',
  })),
  ...[
    '',
    'text',
    'text/',
    '/plain',
    'text/pl ain',
    'text/plain\r\nX-Evil: 1',
    'text/plain;charset',
    'text/plain;  charset=utf-8',
    't\u00ebxt/plain',
    `${'a'.repeat(300)}/x`,
    5,
    null,
  ].map((contentType) => ({ key: 'a.txt', size: 1, contentType })),
];

const badUploadIds: unknown[] = [
  '',
  'a'.repeat(1025),
  'abc def',
  'abc&uploads=1',
  'x\n',
  '<id>',
  5,
  null,
  ['id'],
];

const badComplete: unknown[] = [
  '{',
  'null',
  {},
  { key: 'a.bin', uploadId: 'u1' },
  { key: 'a.bin', parts: [part(1)] },
  { uploadId: 'u1', parts: [part(1)] },
  { key: 'a.bin', uploadId: 'u1', parts: [part(1)], extra: 1 },
  { key: '../a.bin', uploadId: 'u1', parts: [part(1)] },
  ...badUploadIds.map((uploadId) => ({ key: 'a.bin', uploadId, parts: [part(1)] })),
  ...[
    'x',
    {},
    [],
    [1],
    [null],
    [[1, ETAG]],
    [part(0)],
    [part(10001)],
    [part(-1)],
    [part(1.5)],
    [part('1')],
    [part(1), part(1)],
    [part(2), part(1)],
    [part(1), part(3), part(2)],
    [{ ...part(1), size: 5 }],
    [{ partNumber: 1 }],
    [{ etag: ETAG }],
    ...['', '"', 'abc"', '"abc', 'x'.repeat(200), '<etag>', 'ab cd', 5, null].map((etag) => [part(1, etag)]),
    Array.from({ length: 10001 }, (_, i) => part(i + 1)),
  ].map((parts) => ({ key: 'a.bin', uploadId: 'u1', parts })),
];

const badAbort: unknown[] = [
  '{',
  '[]',
  {},
  { key: 'a.bin' },
  { uploadId: 'u1' },
  { key: 'a.bin', uploadId: 'u1', parts: [] },
  { key: '/a.bin', uploadId: 'u1' },
  ...badUploadIds.map((uploadId) => ({ key: 'a.bin', uploadId })),
];

const badSign: unknown[] = [
  '{',
  'null',
  {},
  { key: 'a.bin', uploadId: 'u1' },
  { key: 'a.bin', partNumbers: [1] },
  { uploadId: 'u1', partNumbers: [1] },
  { key: 'a.bin', uploadId: 'u1', partNumbers: [1], parts: [1] },
  { key: '../a.bin', uploadId: 'u1', partNumbers: [1] },
  { key: 'a/', uploadId: 'u1', partNumbers: [1] },
  ...badUploadIds.map((uploadId) => ({ key: 'a.bin', uploadId, partNumbers: [1] })),
  ...[
    1,
    '1',
    null,
    {},
    [],
    [0],
    [10001],
    [-1],
    [1.5],
    ['1'],
    [null],
    [[1]],
    [{ partNumber: 1 }],
    [1, 2, 1],
    Array.from({ length: 101 }, (_, i) => i + 1),
  ].map((partNumbers) => ({ key: 'a.bin', uploadId: 'u1', partNumbers })),
];

/** Query strings of GET /uploads that are 400s, as API Gateway delivers them. */
const badListQueries: Pick<EventParams, 'query'>[] = [
  { query: {} },
  { query: { key: 'a.bin' } },
  { query: { uploadId: 'u1' } },
  { query: { key: 'a.bin', uploadId: 'u1', partNumber: '1' } },
  { query: { key: '../a.bin', uploadId: 'u1' } },
  { query: { key: '', uploadId: 'u1' } },
  { query: { key: 'folder/', uploadId: 'u1' } },
  ...['', 'a'.repeat(1025), 'abc def', 'abc&uploads=1', 'x\n', '<id>'].map((uploadId) => ({
    query: { key: 'a.bin', uploadId },
  })),
];

// local/s3: a real server, although none of these requests should reach it (a spy counts S3 calls).
describe('uploads with bad input', () => {
  let s3: S3Server;
  let deps: UploadDeps;
  let logs: string[];
  const user = identityId();

  before(async () => {
    s3 = await startS3Server();
  });
  after(() => s3.stop());
  beforeEach(() => {
    logs = [];
    deps = {
      ...uploadDeps(s3),
      http: { allowedOrigins: [], identityPoolId: IDENTITY_POOL_ID, log: logTo(logs) },
    };
  });
  afterEach(() => sinon.restore());

  const routes = [
    { path: '/uploads', make: (d: UploadDeps) => createUpload(d, TEST_LIMITS), bad: badCreate },
    { path: '/uploads/complete', make: (d: UploadDeps) => completeUpload(d), bad: badComplete },
    { path: '/uploads/abort', make: (d: UploadDeps) => abortUpload(d), bad: badAbort },
    { path: '/uploads/parts', make: (d: UploadDeps) => signUploadParts(d), bad: badSign },
  ];

  async function post(handler: Handler, path: string, body: unknown, who: string | null = user) {
    const text = typeof body === 'string' ? body : JSON.stringify(body);
    const checked = contractChecked(`POST ${path}`, handler);
    return checked(apiEvent({ identityId: who, method: 'POST', path, body: text }), context);
  }

  function errorCode(res: APIGatewayProxyResult): string {
    return JSON.parse(res.body).error.code;
  }

  for (const { path, make, bad } of routes) {
    it(`POST ${path}: ${bad.length} bad bodies are 400s that never reach S3`, async () => {
      const send = sinon.spy(deps.s3, 'send');
      const handler = make(deps);
      for (const body of bad) {
        const res = await post(handler, path, body);
        const what = JSON.stringify(body)?.slice(0, 200);
        expect(res.statusCode, what).to.equal(400);
        expect(errorCode(res), what).to.be.oneOf(['BadRequest', 'InvalidKey']);
      }
      expect(send.callCount).to.equal(0);
    });

    it(`POST ${path}: absent or malformed identity is 403 before anything else`, async () => {
      const send = sinon.spy(deps.s3, 'send');
      const handler = make(deps);
      for (const who of [null, '', 'not-an-identity', '../eu-west-1:x']) {
        const res = await post(handler, path, {}, who);
        expect(res.statusCode).to.equal(403);
        expect(errorCode(res)).to.equal('Unauthorized');
      }
      expect(send.callCount).to.equal(0);
    });

    it(`POST ${path}: a body over 2 MiB is 413`, async () => {
      const res = await post(make(deps), path, { key: 'a'.repeat(3 * 1024 * 1024) });
      expect(res.statusCode).to.equal(413);
    });
  }

  describe('GET /uploads', () => {
    const get = (params: Omit<EventParams, 'identityId' | 'method' | 'path'>, who: string | null = user) =>
      contractChecked('GET /uploads', listUploadParts(deps))(
        apiEvent({ identityId: who, method: 'GET', path: '/uploads', ...params }),
        context,
      );

    it(`answers ${badListQueries.length + 2} bad query strings with 400s that never reach S3`, async () => {
      const send = sinon.spy(deps.s3, 'send');
      const repeated = (name: string) => ({
        query: { key: 'a.bin', uploadId: 'u1' },
        multiValueQueryStringParameters: { key: ['a.bin'], uploadId: ['u1'], [name]: ['u1', 'u2'] },
      });
      for (const params of [...badListQueries, repeated('key'), repeated('uploadId')]) {
        const { multiValueQueryStringParameters, ...rest } = params as typeof params & {
          multiValueQueryStringParameters?: Record<string, string[]>;
        };
        const event = apiEvent({ identityId: user, method: 'GET', path: '/uploads', ...rest });
        const res = await contractChecked('GET /uploads', listUploadParts(deps))(
          { ...event, multiValueQueryStringParameters: multiValueQueryStringParameters ?? null },
          context,
        );
        const what = JSON.stringify(params);
        expect(res.statusCode, what).to.equal(400);
        expect(errorCode(res), what).to.be.oneOf(['BadRequest', 'InvalidKey']);
      }
      expect(send.callCount).to.equal(0);
    });

    it('answers an absent or malformed identity with 403 before anything else', async () => {
      const send = sinon.spy(deps.s3, 'send');
      for (const who of [null, '', 'not-an-identity', '../eu-west-1:x']) {
        const res = await get({ query: { key: 'a.bin', uploadId: 'u1' } }, who);
        expect(res.statusCode).to.equal(403);
        expect(errorCode(res)).to.equal('Unauthorized');
      }
      expect(send.callCount).to.equal(0);
    });
  });

  describe('when S3 fails with a message naming the bucket and an ARN', () => {
    const secretText = `arn:aws:s3:::${'lockbox-prod-bucket'}/eu-west-1:secret AccessDenied on bucket ${'lockbox-test'}`;
    const s3Failure = (name: string, httpStatusCode = 403) =>
      Object.assign(new Error(secretText), { name, Code: name, $metadata: { httpStatusCode } });
    // A 403 on reading an upload's plan means "no plan" (lib/s3/s3-errors.ts): fail those routes otherwise.
    const slowDown = () => s3Failure('SlowDown', 503);
    const calls = [
      {
        path: '/uploads',
        make: (d: UploadDeps) => createUpload(d, TEST_LIMITS),
        body: { key: 'a.bin', size: 2 * MIN_PART_BYTES, contentType: 'a/b' },
      },
      {
        path: '/uploads/complete',
        make: completeUpload,
        body: { key: 'a.bin', uploadId: 'u1', parts: [part(1)] },
      },
      { path: '/uploads/abort', make: abortUpload, body: { key: 'a.bin', uploadId: 'u1' } },
      {
        path: '/uploads/parts',
        make: signUploadParts,
        body: { key: 'a.bin', uploadId: 'u1', partNumbers: [1] },
        failure: slowDown,
      },
    ];

    for (const { path, make, body, failure } of calls) {
      it(`POST ${path}: 500 naming only the request id, and a log line without the message`, async () => {
        sinon.stub(deps.s3, 'send').rejects((failure ?? (() => s3Failure('AccessDenied')))());
        const res = await post(make(deps), path, body);
        expect(res.statusCode).to.equal(500);
        expect(JSON.parse(res.body)).to.deep.equal({
          error: { code: 'Internal', message: 'Internal error. Request id: test-request-id' },
        });
        for (const text of [res.body, ...logs]) {
          expect(text).not.to.contain('arn:aws');
          expect(text).not.to.contain(deps.bucket);
        }
      });
    }

    it('GET /uploads: 500 naming only the request id, and a log line without the message', async () => {
      sinon.stub(deps.s3, 'send').rejects(slowDown());
      const event = apiEvent({
        identityId: user,
        method: 'GET',
        path: '/uploads',
        query: { key: 'a.bin', uploadId: 'u1' },
      });
      const res = await contractChecked('GET /uploads', listUploadParts(deps))(event, context);
      expect(res.statusCode).to.equal(500);
      for (const text of [res.body, ...logs]) {
        expect(text).not.to.contain('arn:aws');
        expect(text).not.to.contain(deps.bucket);
      }
    });

    it("POST /uploads/complete: S3's NoSuchUpload text is replaced by ours", async () => {
      // The upload's plan is absent too (read when its reservation is gone), as for another user's upload.
      sinon
        .stub(deps.s3, 'send')
        .callsFake(async (command: object) =>
          Promise.reject(
            command instanceof GetObjectCommand
              ? s3Failure('NoSuchKey', 404)
              : s3Failure('NoSuchUpload', 404),
          ),
        );
      const res = await post(completeUpload(deps), '/uploads/complete', calls[1].body);
      expect(res.statusCode).to.equal(404);
      expect(res.body).not.to.contain('arn:aws');
      expect(res.body).not.to.contain(deps.bucket);
    });

    it('POST /uploads: a presigner whose credentials fail is a 500 without their text', async () => {
      const presigner = s3.newClient({
        credentials: async () => {
          throw s3Failure('CredentialsProviderError');
        },
      });
      const res = await post(
        createUpload({ ...deps, presignerForCaller: () => presigner }, TEST_LIMITS),
        '/uploads',
        {
          key: 'a.txt',
          size: 1,
          contentType: 'text/plain',
        },
      );
      expect(res.statusCode).to.equal(500);
      expect(res.body).not.to.contain('arn:aws');
      expect(res.body).not.to.contain(deps.bucket);
    });
  });
});
