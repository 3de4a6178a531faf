import { expect } from 'chai';
import sinon from 'sinon';
import { type S3Server, startS3Server } from '../../devtools/local-s3';
import { deleteFile } from '../../handlers/delete-file';
import { getFile } from '../../handlers/get-file';
import { callRoute } from '../support/call';
import { contractChecked } from '../support/contract-handler';
import { testDeps } from '../support/deps';
import { apiEvent, context, identityId } from '../support/events';
import { keysUnder, putObject } from '../support/objects';

// local/s3: HeadObject, DeleteObject and keys with odd characters behave as on S3; no presigned URL is
// fetched here (file-roundtrip.test.ts does that).
describe('GET /file and DELETE /file', () => {
  let s3: S3Server;
  const user = identityId();
  const oddKey = 'odd/a b+c&d?e%f#g 日本.txt';

  before(async () => {
    s3 = await startS3Server();
    for (const key of [oddKey, 'keep/a', 'keep/a/b', 'keep/ab']) await putObject(s3, `${user}/${key}`, 'abc');
  });
  after(() => s3.stop());

  it('describes a file whose key has odd characters, with a URL for exactly that key', async () => {
    const res = await callRoute('GET /file', getFile(testDeps(s3)), user, { query: { key: oddKey } });
    expect(res.status).to.equal(200);
    expect(res.body).to.include({ key: oddKey, size: 3, contentType: 'application/octet-stream' });
    expect(res.body.etag).to.match(/^[0-9a-f]{32}$/);
    expect(Date.parse(res.body.lastModified)).to.be.closeTo(Date.now(), 10 * 60_000);
    const url = new URL(res.body.url);
    expect(decodeURIComponent(url.pathname)).to.equal(`/${s3.bucket}/${user}/${oddKey}`);
    expect(url.searchParams.get('X-Amz-Expires')).to.equal('300');
    expect(url.searchParams.get('response-content-disposition')).to.match(/^attachment; filename="/);
  });

  it('answers 404 NotFound for a missing file, and for a folder that holds files', async () => {
    for (const key of ['missing.txt', 'odd']) {
      const res = await callRoute('GET /file', getFile(testDeps(s3)), user, { query: { key } });
      expect(res.status).to.equal(404);
      expect(res.body.error).to.deep.equal({ code: 'NotFound', message: 'No file with this key.' });
    }
  });

  it("answers 404 after HEAD's bodiless 403 only when a listing of the key lacks it; 500 when it shows it", async () => {
    // The tests' key may read anything: HEAD answers a bodiless 403 (the SDK names it "Unknown"), as S3 may for a
    // missing key; then the listing decides.
    const forbidden = Object.assign(new Error('Unknown'), {
      name: 'Unknown',
      $metadata: { httpStatusCode: 403 },
    });
    for (const [listed, status] of [
      [[], 404],
      [[{ Key: `${user}/missing.txt` }], 500],
    ] as const) {
      const send = sinon.stub(s3.client, 'send');
      send.onFirstCall().rejects(forbidden);
      send.onSecondCall().resolves({ Contents: [...listed] });
      try {
        const res = await callRoute('GET /file', getFile(testDeps(s3)), user, {
          query: { key: 'missing.txt' },
        });
        expect(res.status).to.equal(status);
        expect(res.body.error.code).to.equal(status === 404 ? 'NotFound' : 'Internal');
        expect(send.secondCall.args[0].constructor.name).to.equal('ListObjectsV2Command');
      } finally {
        send.restore();
      }
    }
  });

  it('refuses a folder key, an invalid key and a missing or repeated key parameter', async () => {
    expect(
      (await callRoute('GET /file', getFile(testDeps(s3)), user, { query: { key: 'keep/' } })).body.error
        .code,
    ).to.equal('InvalidKey');
    expect(
      (await callRoute('DELETE /file', deleteFile(testDeps(s3)), user, { query: { key: 'a/../b' } })).body
        .error.code,
    ).to.equal('InvalidKey');
    expect((await callRoute('GET /file', getFile(testDeps(s3)), user, { query: {} })).status).to.equal(400);
    const repeated = apiEvent({ identityId: user, path: '/file', query: { key: 'b' } });
    repeated.multiValueQueryStringParameters = { key: ['a', 'b'] };
    const res = await contractChecked('GET /file', getFile(testDeps(s3)))(repeated, context);
    expect(res.statusCode).to.equal(400);
  });

  it('deletes exactly the named file, and answers 204 again when it is already gone', async () => {
    expect(
      (await callRoute('DELETE /file', deleteFile(testDeps(s3)), user, { query: { key: 'keep/a' } })).status,
    ).to.equal(204);
    expect(await keysUnder(s3, `${user}/keep`)).to.deep.equal([`${user}/keep/a/b`, `${user}/keep/ab`]);
    const again = await callRoute('DELETE /file', deleteFile(testDeps(s3)), user, {
      query: { key: 'keep/a' },
    });
    expect(again).to.deep.equal({ status: 204, body: undefined });
    expect(
      (
        await callRoute('DELETE /file', deleteFile(testDeps(s3)), user, {
          query: { key: 'never-existed.txt' },
        })
      ).status,
    ).to.equal(204);
  });
});
