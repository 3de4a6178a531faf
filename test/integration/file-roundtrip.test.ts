import { expect } from 'chai';
import { MAX_PUT_FILE_BYTES } from '../../contract/settings';
import { type S3Server, startS3Server } from '../../devtools/local-s3';
import { deleteFile } from '../../handlers/delete-file';
import { getFile } from '../../handlers/get-file';
import { listFiles } from '../../handlers/list-files';
import { putFile } from '../../handlers/put-file';
import { contractChecked } from '../support/contract-handler';
import { testDeps } from '../support/deps';
import { apiEvent, context, identityId } from '../support/events';

// local/s3: it verifies presigned URLs (a tampered one is a 403) and honours response-content-disposition,
// which is what the downloaded file's name depends on.
describe('a file through the API: PUT, list, GET, download, DELETE', () => {
  let s3: S3Server;
  const user = identityId();
  const bytes = Buffer.from([0, 1, 2, 253, 254, 255, ...Buffer.from('lockbox')]);

  before(async () => {
    s3 = await startS3Server();
  });
  after(() => s3.stop());

  const put = (key: string, body: Buffer, contentType?: string) =>
    contractChecked('PUT /file', putFile(testDeps(s3), { maxBytes: MAX_PUT_FILE_BYTES }))(
      apiEvent({
        identityId: user,
        method: 'PUT',
        path: '/file',
        query: { key },
        body,
        headers: contentType ? { 'Content-Type': contentType } : {},
      }),
      context,
    );
  const get = (key: string) =>
    contractChecked('GET /file', getFile(testDeps(s3)))(
      apiEvent({ identityId: user, path: '/file', query: { key } }),
      context,
    );

  it('stores the bytes, lists them, hands out a URL that downloads them as an attachment, then deletes', async () => {
    const key = 'reports/Q1 résumé.bin';

    const stored = await put(key, bytes, 'application/x-lockbox');
    expect(stored.statusCode).to.equal(201);
    const storedBody = JSON.parse(stored.body);
    expect(storedBody).to.include({ key, size: bytes.length });
    expect(storedBody.etag).to.match(/^[0-9a-f]{32}$/);

    const listed = await contractChecked('GET /files', listFiles(testDeps(s3)))(
      apiEvent({ identityId: user, query: { prefix: 'reports/' } }),
      context,
    );
    expect(JSON.parse(listed.body).files.map((f: { key: string }) => f.key)).to.deep.equal([key]);

    const got = await get(key);
    expect(got.statusCode).to.equal(200);
    const info = JSON.parse(got.body);
    expect(info).to.include({
      key,
      size: bytes.length,
      etag: storedBody.etag,
      contentType: 'application/x-lockbox',
    });
    expect(Object.keys(info).sort()).to.deep.equal(
      ['contentType', 'etag', 'expiresAt', 'key', 'lastModified', 'size', 'url'].sort(),
    );
    const minutesLeft = (Date.parse(info.expiresAt) - Date.now()) / 60_000;
    expect(minutesLeft).to.be.greaterThan(1).and.at.most(15);

    const download = await fetch(info.url);
    expect(download.status).to.equal(200);
    expect(Buffer.from(await download.arrayBuffer())).to.deep.equal(bytes);
    const disposition = download.headers.get('content-disposition') ?? '';
    expect(disposition).to.match(/^attachment;/);
    expect(disposition).to.include(`filename*=UTF-8''${encodeURIComponent('Q1 résumé.bin')}`);

    const deleted = await contractChecked('DELETE /file', deleteFile(testDeps(s3)))(
      apiEvent({ identityId: user, method: 'DELETE', path: '/file', query: { key } }),
      context,
    );
    expect(deleted.statusCode).to.equal(204);
    expect(deleted.body).to.equal('');

    const gone = await get(key);
    expect(gone.statusCode).to.equal(404);
    expect(JSON.parse(gone.body).error.code).to.equal('NotFound');
    expect((await fetch(info.url)).status).to.equal(404);
  });

  it('hands out a URL that the server refuses once tampered with', async () => {
    await put('a.txt', Buffer.from('a'));
    const { url } = JSON.parse((await get('a.txt')).body);
    const tampered = new URL(url);
    tampered.searchParams.set('X-Amz-Expires', '86400');
    expect((await fetch(tampered)).status).to.equal(403);
    const otherKey = url.replace('/a.txt?', '/b.txt?');
    await put('b.txt', Buffer.from('b'));
    expect((await fetch(otherKey)).status).to.equal(403);
  });
});
