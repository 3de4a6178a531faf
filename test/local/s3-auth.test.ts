import { createHash } from 'node:crypto';
import {
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  PutObjectCommand,
  type S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { SignatureV4 } from '@smithy/signature-v4';
import { expect } from 'chai';
import { BUCKET, CREDENTIALS, ORIGIN, REGION, type S3Server, startS3Server } from '../../devtools/local-s3';
import { NodeSha256 } from '../../local/sigv4/sha256';
import type { SigningCredentials } from '../../local/sigv4/verify';
import { s3Code } from '../support/s3-code';

const MiB = 1024 ** 2;
const EXPIRED: SigningCredentials = { accessKeyId: 'ASIAEXPIRED', secretAccessKey: 's', expiresAt: 1 };
const TEMPORARY: SigningCredentials = {
  accessKeyId: 'ASIATEMP',
  secretAccessKey: 't',
  sessionToken: 'token',
};
const KEYS = [CREDENTIALS, EXPIRED, TEMPORARY];

async function errorCode(response: Response): Promise<string> {
  const body = await response.text();
  return `${response.status} ${/<Code>([^<]+)<\/Code>/.exec(body)?.[1]}`;
}

const sha256 = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');

describe('local S3: signatures, presigned URLs and CORS', () => {
  let fixture: S3Server;
  let s3: S3Client;
  let presigner: S3Client;

  before(async () => {
    fixture = await startS3Server({ lookup: (id) => KEYS.find((key) => key.accessKeyId === id) });
    s3 = fixture.client;
    // As handlers/lib/presign-upload.ts needs it: no checksum of the (empty) body at presign time.
    presigner = fixture.newClient({ requestChecksumCalculation: 'WHEN_REQUIRED' });
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'docs/a file.txt', Body: 'hello' }));
  });
  after(() => fixture.stop());

  const getUrl = (options: { expiresIn?: number; signingDate?: Date } = {}, client = presigner) =>
    getSignedUrl(
      client,
      new GetObjectCommand({
        Bucket: BUCKET,
        Key: 'docs/a file.txt',
        ResponseContentDisposition: 'attachment; filename="a file.txt"; filename*=UTF-8\'\'a%20file.txt',
      }),
      { expiresIn: 300, ...options },
    );

  it('serves a presigned GET with its response-content-disposition, and CORS headers for an allowed origin', async () => {
    const response = await fetch(await getUrl(), { headers: { Origin: ORIGIN } });
    expect(response.status).to.equal(200);
    expect(await response.text()).to.equal('hello');
    expect(response.headers.get('content-disposition')).to.equal(
      'attachment; filename="a file.txt"; filename*=UTF-8\'\'a%20file.txt',
    );
    expect(response.headers.get('access-control-allow-origin')).to.equal(ORIGIN);
    expect(response.headers.get('access-control-expose-headers')).to.include('ETag');
    const foreign = await fetch(await getUrl(), { headers: { Origin: 'https://evil.example' } });
    expect(foreign.headers.get('access-control-allow-origin')).to.equal(null);
  });

  it('refuses expired, tampered and wrongly signed presigned URLs with S3 codes', async () => {
    const expired = await fetch(await getUrl({ expiresIn: 60, signingDate: new Date(Date.now() - 120_000) }));
    const expiredBody = await expired.text();
    expect(expired.status).to.equal(403);
    expect(expiredBody).to.include('<Code>AccessDenied</Code>').and.include('Request has expired');

    const tampered = (await getUrl()).replace('a%20file.txt?', 'b%20file.txt?');
    expect(await errorCode(await fetch(tampered))).to.equal('403 SignatureDoesNotMatch');
    const longer = (await getUrl()).replace('X-Amz-Expires=300', 'X-Amz-Expires=301');
    expect(await errorCode(await fetch(longer))).to.equal('403 SignatureDoesNotMatch');

    const wrongSecret = fixture.newClient({ credentials: { ...CREDENTIALS, secretAccessKey: 'wrong' } });
    expect(await errorCode(await fetch(await getUrl({}, wrongSecret)))).to.equal('403 SignatureDoesNotMatch');
    const unknown = fixture.newClient({ credentials: { accessKeyId: 'AKIAUNKNOWN', secretAccessKey: 'x' } });
    expect(await errorCode(await fetch(await getUrl({}, unknown)))).to.equal('403 InvalidAccessKeyId');
  });

  it('checks header signatures: unsigned, wrong secret, skewed clock, expired or wrong session token', async () => {
    const url = `${fixture.endpoint}/${BUCKET}/docs/a%20file.txt`;
    expect(await errorCode(await fetch(url))).to.equal('403 AccessDenied');
    const get = new GetObjectCommand({ Bucket: BUCKET, Key: 'docs/a file.txt' });
    const wrong = fixture.newClient({ credentials: { ...CREDENTIALS, secretAccessKey: 'wrong' } });
    expect(await s3Code(wrong.send(get))).to.equal('403 SignatureDoesNotMatch');
    expect(await s3Code(fixture.newClient({ credentials: EXPIRED }).send(get))).to.equal('400 ExpiredToken');
    const badToken = fixture.newClient({ credentials: { ...TEMPORARY, sessionToken: 'other' } });
    expect(await s3Code(badToken.send(get))).to.equal('400 InvalidToken');
    expect(
      await (await fixture.newClient({ credentials: TEMPORARY }).send(get)).Body?.transformToString(),
    ).to.equal('hello');

    const signed = await signedRequest(
      'GET',
      '/docs/a%20file.txt',
      sha256(''),
      {},
      new Date(Date.now() - 600_000),
    );
    expect(await errorCode(await fetch(url, signed))).to.equal('403 RequestTimeTooSkewed');
  });

  /** A request signed by the SDK's signer with the given payload hash header (not computed from a body). */
  async function signedRequest(
    method: string,
    path: string,
    contentSha256: string,
    headers: Record<string, string>,
    signingDate = new Date(),
    query: Record<string, string> = {},
  ) {
    const host = new URL(fixture.endpoint).host;
    const signer = new SignatureV4({
      service: 's3',
      region: REGION,
      credentials: CREDENTIALS,
      sha256: NodeSha256,
      uriEscapePath: false,
    });
    const request = await signer.sign(
      {
        method,
        protocol: 'http:',
        hostname: host.split(':')[0],
        port: Number(host.split(':')[1]),
        path: `/${BUCKET}${path}`,
        query,
        headers: { host, 'x-amz-content-sha256': contentSha256, ...headers },
      },
      { signingDate },
    );
    return { method, headers: request.headers as Record<string, string> };
  }

  it('checks the bytes against a signed x-amz-content-sha256 (XAmzContentSHA256Mismatch)', async () => {
    const init = await signedRequest('PUT', '/sha', sha256('abc'), { 'content-length': '3' });
    const good = await fetch(`${fixture.endpoint}/${BUCKET}/sha`, { ...init, body: 'abc' });
    expect(good.status).to.equal(200);
    const bad = await fetch(`${fixture.endpoint}/${BUCKET}/sha`, { ...init, body: 'abd' });
    expect(await errorCode(bad)).to.equal('400 XAmzContentSHA256Mismatch');
  });

  it('decodes STREAMING-AWS4-HMAC-SHA256-PAYLOAD and checks every chunk signature', async () => {
    const chunks = [Buffer.alloc(70_000, 'a'), Buffer.from('tail')];
    const date = new Date();
    const seed = await signedRequest(
      'PUT',
      '/chunked',
      'STREAMING-AWS4-HMAC-SHA256-PAYLOAD',
      { 'content-encoding': 'aws-chunked', 'x-amz-decoded-content-length': '70004' },
      date,
    );
    const signer = new SignatureV4({
      service: 's3',
      region: REGION,
      credentials: CREDENTIALS,
      sha256: NodeSha256,
    });
    const amzDate = seed.headers['x-amz-date'];
    const scope = `${amzDate.slice(0, 8)}/${REGION}/s3/aws4_request`;
    const frame = async (tamper: boolean) => {
      let previous = /Signature=([0-9a-f]{64})/.exec(seed.headers.authorization)?.[1];
      const framed: Buffer[] = [];
      for (const chunk of [...chunks, Buffer.alloc(0)]) {
        const stringToSign = `AWS4-HMAC-SHA256-PAYLOAD\n${amzDate}\n${scope}\n${previous}\n${sha256('')}\n${sha256(chunk)}`;
        previous = await signer.sign(stringToSign, { signingDate: date });
        const data = tamper && chunk.length === 4 ? Buffer.from('TAIL') : chunk;
        framed.push(
          Buffer.from(`${chunk.length.toString(16)};chunk-signature=${previous}\r\n`),
          data,
          Buffer.from('\r\n'),
        );
      }
      return Buffer.concat(framed);
    };
    const url = `${fixture.endpoint}/${BUCKET}/chunked`;
    const good = await fetch(url, { ...seed, body: await frame(false) });
    expect(good.status).to.equal(200);
    const got = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'chunked' }));
    expect(Buffer.from(await (got.Body?.transformToByteArray() ?? []))).to.deep.equal(Buffer.concat(chunks));
    expect(await errorCode(await fetch(url, { ...seed, body: await frame(true) }))).to.equal(
      '403 SignatureDoesNotMatch',
    );
  });

  it('takes a presigned PUT only with the signed content-length and content-type', async () => {
    const url = await getSignedUrl(
      presigner,
      new PutObjectCommand({
        Bucket: BUCKET,
        Key: 'up/ünï file.txt',
        ContentLength: 5,
        ContentType: 'text/plain',
      }),
      { expiresIn: 300, signableHeaders: new Set(['content-length', 'content-type']) },
    );
    const put = (body: string, type: string) =>
      fetch(url, { method: 'PUT', body, headers: { 'Content-Type': type, Origin: ORIGIN } });
    expect(await errorCode(await put('hello!', 'text/plain'))).to.equal('403 SignatureDoesNotMatch');
    expect(await errorCode(await put('hello', 'text/html'))).to.equal('403 SignatureDoesNotMatch');
    const ok = await put('hello', 'text/plain');
    expect(ok.status).to.equal(200);
    expect(ok.headers.get('etag')).to.equal(`"${createHash('md5').update('hello').digest('hex')}"`);
    expect(ok.headers.get('access-control-allow-origin')).to.equal(ORIGIN);
  });

  it('takes a 16 MiB part through a presigned UploadPart URL', async function () {
    this.timeout(30_000);
    const key = 'up/big part';
    const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: BUCKET, Key: key }));
    const part = Buffer.alloc(16 * MiB, 7);
    const url = await getSignedUrl(
      presigner,
      new UploadPartCommand({
        Bucket: BUCKET,
        Key: key,
        UploadId,
        PartNumber: 1,
        ContentLength: part.length,
      }),
      { expiresIn: 300, signableHeaders: new Set(['content-length']) },
    );
    const response = await fetch(url, { method: 'PUT', body: part });
    expect(response.status).to.equal(200);
    const ETag = response.headers.get('etag') ?? '';
    await s3.send(
      new CompleteMultipartUploadCommand({
        Bucket: BUCKET,
        Key: key,
        UploadId,
        MultipartUpload: { Parts: [{ PartNumber: 1, ETag }] },
      }),
    );
    const got = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: key, Range: 'bytes=-1' }));
    expect(got.ContentRange).to.equal(`bytes ${16 * MiB - 1}-${16 * MiB - 1}/${16 * MiB}`);
    await got.Body?.transformToString();
  });

  it('answers CORS preflights for allowed origins and methods only, without a signature', async () => {
    const preflight = (origin: string, method: string) =>
      fetch(`${fixture.endpoint}/${BUCKET}/up/x`, {
        method: 'OPTIONS',
        headers: {
          Origin: origin,
          'Access-Control-Request-Method': method,
          'Access-Control-Request-Headers': 'content-type',
        },
      });
    const allowed = await preflight(ORIGIN, 'PUT');
    expect(allowed.status).to.equal(200);
    expect(allowed.headers.get('access-control-allow-origin')).to.equal(ORIGIN);
    expect(allowed.headers.get('access-control-allow-methods')).to.include('PUT');
    expect(allowed.headers.get('access-control-allow-headers')).to.equal('content-type');
    expect(await errorCode(await preflight('https://evil.example', 'PUT'))).to.equal('403 AccessForbidden');
    expect(await errorCode(await preflight(ORIGIN, 'PATCH'))).to.equal('403 AccessForbidden');
  });

  it('answers NotImplemented for what this server does not do, once the request is signed', async () => {
    const signed = await signedRequest('GET', '/docs/a%20file.txt', sha256(''), {}, new Date(), { acl: '' });
    const response = await fetch(`${fixture.endpoint}/${BUCKET}/docs/a%20file.txt?acl=`, signed);
    expect(await errorCode(response)).to.equal('501 NotImplemented');
  });

  it('checks auth before it looks at the operation: unsigned, anything is AccessDenied', async () => {
    for (const path of [`/${BUCKET}`, `/${BUCKET}/docs/a%20file.txt?acl`, '/', `/${BUCKET}?policy`]) {
      expect(await errorCode(await fetch(`${fixture.endpoint}${path}`)), path).to.equal('403 AccessDenied');
    }
  });
});
