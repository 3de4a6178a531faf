import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HeadObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { expect } from 'chai';
import { BUCKET, CREDENTIALS, REGION, type S3Server, startS3Server } from '../../devtools/local-s3';
import { getFile } from '../../handlers/get-file';
import { readPlan, writePlan } from '../../handlers/lib/uploads/plans';
import { callRoute } from '../support/call';
import { IDENTITY_POOL_ID, identityId, ORIGIN } from '../support/events';
import { logTo } from '../support/log-lines';
import { objectKey } from '../support/objects';

/**
 * In front of local/s3: answers a missing object as S3 may answer a role that it does not let
 * list there — HEAD a 403 without a body, GET a 403 AccessDenied —, refuses the same way any object
 * whose path holds one of `refused` (a policy that grants less than the code needs), and passes
 * everything else through as is (headers too, so the signature still checks).
 */
async function withoutListBucket(
  upstream: string,
  refused: readonly string[],
): Promise<{ endpoint: string; server: Server }> {
  const target = new URL(upstream);
  const server = createServer((req, res) => {
    const forward = request(
      { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers },
      (answer) => {
        const path = decodeURIComponent((req.url ?? '').split('?')[0]);
        if (answer.statusCode !== 404 && !refused.some((part) => path.includes(part))) {
          res.writeHead(answer.statusCode ?? 500, answer.headers);
          answer.pipe(res);
          return;
        }
        answer.resume();
        const body =
          '<?xml version="1.0" encoding="UTF-8"?><Error><Code>AccessDenied</Code><Message>Access Denied</Message></Error>';
        res.writeHead(403, { 'Content-Type': 'application/xml' });
        res.end(req.method === 'HEAD' ? undefined : body);
      },
    );
    req.pipe(forward);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

describe('S3 403s: "absent" only when a listing proves it, else a 500 with a request id', () => {
  let local: S3Server;
  let proxy: { endpoint: string; server: Server };
  /** Paths the proxy refuses although the object exists. */
  const refused = ['denied.txt'];
  const user = identityId();
  const lines: string[] = [];

  const deps = (s3: S3Client) => ({
    s3,
    s3ForCaller: () => s3,
    bucket: BUCKET,
    http: {
      allowedOrigins: [ORIGIN],
      identityPoolId: IDENTITY_POOL_ID,
      log: logTo(lines),
    },
  });
  const client = (endpoint: string, credentials = CREDENTIALS) =>
    new S3Client({ endpoint, region: REGION, forcePathStyle: true, credentials, maxAttempts: 1 });

  before(async () => {
    local = await startS3Server();
    proxy = await withoutListBucket(local.endpoint, refused);
    await local.client.send(
      new PutObjectCommand({
        Bucket: BUCKET,
        Key: `${user}/here.txt`,
        Body: 'abc',
      }),
    );
    await local.client.send(new PutObjectCommand({ Bucket: BUCKET, Key: `${user}/denied.txt`, Body: 'no' }));
  });
  after(async () => {
    proxy.server.close();
    await local.stop();
  });
  beforeEach(() => {
    lines.length = 0;
  });

  it("HeadObject's 403 has no body: @aws-sdk/client-s3 names it Unknown, whatever S3 meant", async () => {
    const wrongSecret = client(local.endpoint, { ...CREDENTIALS, secretAccessKey: 'wrong' });
    const missingKey = client(proxy.endpoint);
    for (const s3 of [wrongSecret, missingKey]) {
      const error = await s3
        .send(new HeadObjectCommand({ Bucket: BUCKET, Key: `${user}/gone.txt` }))
        .catch((e: unknown) => e as { name: string; Code?: string; $metadata: { httpStatusCode: number } });
      expect(error).to.include({ name: 'Unknown' });
      expect(error).to.not.have.property('Code');
      expect((error as { $metadata: { httpStatusCode: number } }).$metadata.httpStatusCode).to.equal(403);
    }
  });

  it('GET /file answers 404 for a key S3 answers 403 that its listing lacks, 500 for one it shows; 200 for a present one', async () => {
    const s3 = client(proxy.endpoint);
    const missing = await callRoute('GET /file', getFile(deps(s3)), user, { query: { key: 'gone.txt' } });
    expect(missing.status).to.equal(404);
    expect(missing.body.error.code).to.equal('NotFound');
    lines.length = 0;
    const refused = await callRoute('GET /file', getFile(deps(s3)), user, { query: { key: 'denied.txt' } });
    expect(refused.status).to.equal(500);
    expect(refused.body.error).to.deep.equal({
      code: 'Internal',
      message: `Internal error. Request id: ${JSON.parse(lines[0]).requestId}`,
    });
    expect(JSON.parse(lines[0])).to.include({ status: 500 });
    const present = await callRoute('GET /file', getFile(deps(s3)), user, { query: { key: 'here.txt' } });
    expect(present.status).to.equal(200);
    expect(present.body.size).to.equal(3);
  });

  it('a GetObject of a record answered 403: absent when the listing lacks it, AccessDenied thrown when it shows it', async () => {
    const s3 = client(proxy.endpoint);
    const key = objectKey(`${user}/x`);
    expect(await readPlan(s3, BUCKET, user, key, 'no-such-upload')).to.equal(undefined);
    await writePlan(local.client, BUCKET, user, key, 'denied-upload', { size: 1, partSize: 1 });
    refused.push('uploads/');
    try {
      const error = await readPlan(s3, BUCKET, user, key, 'denied-upload').catch((e: unknown) => e as Error);
      expect((error as Error).name).to.equal('AccessDenied');
    } finally {
      refused.pop();
    }
  });

  for (const [what, credentials, code] of [
    ['a wrong secret', { ...CREDENTIALS, secretAccessKey: 'wrong' }, 'SignatureDoesNotMatch'],
    ['an unknown access key', { accessKeyId: 'AKIAUNKNOWN', secretAccessKey: 'x' }, 'InvalidAccessKeyId'],
  ] as const) {
    it(`GET /file answers 500 and logs ${code} for ${what}, naming no key or bucket`, async () => {
      const s3 = client(local.endpoint, credentials);
      for (const key of ['gone.txt', 'here.txt']) {
        lines.length = 0;
        const res = await callRoute('GET /file', getFile(deps(s3)), user, { query: { key } });
        expect(res.status, key).to.equal(500);
        expect(res.body.error.code).to.equal('Internal');
        expect(lines).to.have.length(1);
        expect(JSON.parse(lines[0])).to.include({ status: 500, error: code });
        expect(lines[0]).not.to.include(BUCKET);
        expect(lines[0]).not.to.include(key);
      }
      const plan = await readPlan(s3, BUCKET, user, objectKey(`${user}/x`), 'no-such-upload').catch(
        (e: unknown) => e,
      );
      expect((plan as Error).name).to.equal(code);
    });
  }
});
