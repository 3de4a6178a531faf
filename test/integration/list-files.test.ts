import { PutObjectCommand } from '@aws-sdk/client-s3';
import { expect } from 'chai';
import { listFiles } from '../../handlers/list-files';
import { apiEvent, context, identityId } from '../support/events';
import { expectResultMatchesContract } from '../support/openapi';
import { startFauxqs, type TestS3 } from '../support/s3-servers';

// fauxqs: its listing pages, delimits and escapes like S3 (s3rver drops a root folder and double-escapes "&").
describe('GET /files on a real S3 server', () => {
  let s3: TestS3;
  let handler: ReturnType<typeof listFiles>;
  const alice = identityId();
  const bob = identityId();

  before(async () => {
    s3 = await startFauxqs();
    handler = listFiles({
      s3: s3.client,
      bucket: s3.bucket,
      http: { allowedOrigins: ['http://localhost:5173'], log: () => {} },
    });
    for (const key of [`${alice}/a.txt`, `${alice}/photos/1.jpg`, `${bob}/secret.txt`]) {
      await s3.client.send(new PutObjectCommand({ Bucket: s3.bucket, Key: key, Body: 'x' }));
    }
  });
  after(() => s3.stop());

  it("lists only the caller's own files and folders", async () => {
    const res = await handler(apiEvent({ identityId: alice }), context);
    expect(res.statusCode).to.equal(200);
    const body = JSON.parse(res.body);
    expect(body.files.map((f: { key: string }) => f.key)).to.deep.equal(['a.txt']);
    expect(body.folders).to.deep.equal(['photos/']);
  });

  it('answers as docs/openapi.yaml says: a page, the last page, a bad request, no identity, a failure', async () => {
    const page = await handler(apiEvent({ identityId: alice, query: { limit: '1' } }), context);
    expect(JSON.parse(page.body).nextCursor).to.be.a('string');
    expectResultMatchesContract('GET', '/files', page);

    const lastPage = await handler(apiEvent({ identityId: alice, query: { prefix: 'photos/' } }), context);
    expect(JSON.parse(lastPage.body).files).to.have.length(1);
    expectResultMatchesContract('GET', '/files', lastPage);

    const badRequest = await handler(apiEvent({ identityId: alice, query: { color: 'red' } }), context);
    expect(badRequest.statusCode).to.equal(400);
    expectResultMatchesContract('GET', '/files', badRequest);

    const anonymous = await handler(apiEvent({ identityId: null }), context);
    expect(anonymous.statusCode).to.equal(403);
    expectResultMatchesContract('GET', '/files', anonymous);

    // A server that is not there: the SDK's error becomes the contract's 500.
    const unreachable = s3.newClient({ endpoint: 'http://127.0.0.1:9', maxAttempts: 1 });
    const failing = listFiles({
      s3: unreachable,
      bucket: s3.bucket,
      http: { allowedOrigins: [], log: () => {} },
    });
    const failure = await failing(apiEvent({ identityId: alice }), context);
    unreachable.destroy();
    expect(failure.statusCode).to.equal(500);
    expectResultMatchesContract('GET', '/files', failure);
  });
});
