import { request } from 'node:http';
import { HeadObjectCommand } from '@aws-sdk/client-s3';
import { SignatureV4 } from '@smithy/signature-v4';
import { expect } from 'chai';
import { BUCKET, CREDENTIALS, REGION, type S3Server, startS3Server } from '../../devtools/local-s3';
import { NodeSha256 } from '../../local/sigv4/sha256';
import { s3Code } from '../support/s3-code';

describe('local S3: a body that stops arriving', () => {
  let fixture: S3Server;

  before(async () => {
    fixture = await startS3Server({ idleBodyTimeoutMs: 200 });
  });
  after(() => fixture.stop());

  it('is cut with 400 RequestTimeout and a closed connection, and nothing is stored', async () => {
    const { host, port } = new URL(fixture.endpoint);
    const signed = await new SignatureV4({
      service: 's3',
      region: REGION,
      credentials: CREDENTIALS,
      sha256: NodeSha256,
      uriEscapePath: false,
    }).sign({
      method: 'PUT',
      protocol: 'http:',
      hostname: '127.0.0.1',
      port: Number(port),
      path: `/${BUCKET}/slow.txt`,
      headers: { host, 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD', 'content-length': '10' },
    });
    const answer = await new Promise<{ status: number; body: string; closed: Promise<void> }>(
      (resolve, reject) => {
        const req = request(
          { host: '127.0.0.1', port, method: 'PUT', path: `/${BUCKET}/slow.txt`, headers: signed.headers },
          (res) => {
            let body = '';
            res.on('data', (chunk: Buffer) => {
              body += chunk;
            });
            const closed = new Promise<void>((done) => req.socket?.once('close', () => done()));
            res.on('end', () => resolve({ status: res.statusCode ?? 0, body, closed }));
          },
        );
        req.on('error', reject);
        // Three of the ten bytes, then nothing: the request stays open until the server cuts it.
        req.write('abc');
      },
    );
    expect(answer.status).to.equal(400);
    expect(/<Code>([^<]+)<\/Code>/.exec(answer.body)?.[1]).to.equal('RequestTimeout');
    await answer.closed;
    expect(
      await s3Code(fixture.client.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'slow.txt' }))),
    ).to.equal('404 NotFound');
  });
});
