import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HeadObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { expect } from 'chai';
import { BUCKET, CREDENTIALS, REGION, type S3Server, startS3Server } from '../../devtools/local-s3';
import { getFile } from '../../handlers/get-file';
import { readPlan } from '../../handlers/lib/uploads/plans';
import { callRoute } from '../support/call';
import { IDENTITY_POOL_ID, identityId, ORIGIN } from '../support/events';
import { objectKey } from '../support/objects';

/**
 * In front of local/s3: answers a missing object as S3 answers a role that may not list the
 * bucket — HEAD a 403 without a body, GET a 403 AccessDenied — and passes everything else through as is
 * (headers too, so the signature still checks).
 */
async function withoutListBucket(upstream: string): Promise<{ endpoint: string; server: Server }> {
  const target = new URL(upstream);
  const server = createServer((req, res) => {
    const forward = request(
      { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers },
      (answer) => {
        if (answer.statusCode !== 404) {
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

describe('S3 403s: only AccessDenied on a key we may read is "absent"', () => {
  let local: S3Server;
  let proxy: { endpoint: string; server: Server };
  const user = identityId();
  const lines: string[] = [];

  const deps = (s3: S3Client) => ({
    s3,
    s3ForCaller: () => s3,
    bucket: BUCKET,
    http: {
      allowedOrigins: [ORIGIN],
      identityPoolId: IDENTITY_POOL_ID,
      log: (line: string) => lines.push(line),
    },
  });
  const client = (endpoint: string, credentials = CREDENTIALS) =>
    new S3Client({ endpoint, region: REGION, forcePathStyle: true, credentials, maxAttempts: 1 });

  before(async () => {
    local = await startS3Server();
    proxy = await withoutListBucket(local.endpoint);
    await local.client.send(
      new PutObjectCommand({
        Bucket: BUCKET,
        Key: `${user}/here.txt`,
        Body: 'abc',
      }),
    );
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

  it('GET /file answers 404 for a missing key that S3 answers with 403, and 200 for a present one', async () => {
    const s3 = client(proxy.endpoint);
    const missing = await callRoute('GET /file', getFile(deps(s3)), user, { query: { key: 'gone.txt' } });
    expect(missing.status).to.equal(404);
    expect(missing.body.error.code).to.equal('NotFound');
    const present = await callRoute('GET /file', getFile(deps(s3)), user, { query: { key: 'here.txt' } });
    expect(present.status).to.equal(200);
    expect(present.body.size).to.equal(3);
  });

  it('a GetObject of a missing record through the same 403 reads as absent', async () => {
    expect(
      await readPlan(client(proxy.endpoint), BUCKET, user, objectKey(`${user}/x`), 'no-such-upload'),
    ).to.equal(undefined);
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
