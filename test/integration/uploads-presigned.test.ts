import { expect } from 'chai';
import { MIN_PART_BYTES } from '../../contract/s3-limits';
import { type S3Server, startS3Server } from '../../devtools/local-s3';
import { completeUpload } from '../../handlers/complete-upload';
import { createUpload } from '../../handlers/create-upload';
import type { Handler } from '../../handlers/lib/http/handler';
import { contractChecked } from '../support/contract-handler';
import { apiEvent, context, identityId } from '../support/events';
import { getObject, objectExists } from '../support/objects';
import { putParts, TEST_LIMITS, testBytes, uploadDeps } from '../support/upload-deps';

// local/s3: it verifies presigned signatures, which is what proves that a body of another length or content
// type than declared is refused.
describe('POST /uploads and /uploads/complete with presigned URLs', () => {
  let s3: S3Server;
  let create: Handler;
  let complete: Handler;
  const user = identityId();

  before(async () => {
    s3 = await startS3Server();
    const deps = uploadDeps(s3);
    create = contractChecked('POST /uploads', createUpload(deps, TEST_LIMITS));
    complete = contractChecked('POST /uploads/complete', completeUpload(deps));
  });
  after(() => s3.stop());

  async function startUpload(body: object) {
    const res = await create(apiEvent({ identityId: user, method: 'POST', path: '/uploads', body }), context);
    return { status: res.statusCode, body: JSON.parse(res.body) };
  }

  const storedObject = (key: string) => getObject(s3, `${user}/${key}`);
  const exists = (key: string) => objectExists(s3, `${user}/${key}`);

  describe('a single presigned PUT', () => {
    const bytes = testBytes(1000);

    it('signs content-length, content-type and If-None-Match, and no checksum, for a few minutes', async () => {
      const { status, body } = await startUpload({ key: 'a.bin', size: 1000, contentType: 'image/png' });
      expect(status).to.equal(200);
      expect(body).to.have.keys(['type', 'url', 'method', 'headers', 'expiresAt']);
      expect(body).to.include({ type: 'single', method: 'PUT' });
      expect(body.headers).to.deep.equal({ 'Content-Type': 'image/png', 'If-None-Match': '*' });
      const query = new URL(body.url).searchParams;
      expect(query.get('X-Amz-SignedHeaders')).to.equal('content-length;content-type;host;if-none-match');
      expect(query.get('X-Amz-Expires')).to.equal('300');
      expect([...query.keys()].filter((name) => /checksum/i.test(name))).to.deep.equal([]);
      const signed = String(query.get('X-Amz-Date')).replace(
        /^(\d{4})(\d\d)(\d\d)T(\d\d)(\d\d)(\d\d)Z$/,
        '$1-$2-$3T$4:$5:$6Z',
      );
      expect(Date.parse(body.expiresAt) - Date.parse(signed)).to.equal(300_000);
    });

    it('stores exactly the declared bytes and content type when fetched with the returned headers', async () => {
      const { body } = await startUpload({
        key: 'photos/b.png',
        size: bytes.length,
        contentType: 'image/png',
      });
      const put = await fetch(body.url, { method: body.method, headers: body.headers, body: bytes });
      expect(put.status).to.equal(200);
      const stored = await storedObject('photos/b.png');
      expect(stored.bytes.equals(bytes)).to.equal(true);
      expect(stored.contentType).to.equal('image/png');
    });

    it('is refused for more bytes, fewer bytes or another content type than declared', async () => {
      const { body } = await startUpload({ key: 'c.png', size: bytes.length, contentType: 'image/png' });
      const attempts = [
        { headers: body.headers, body: Buffer.concat([bytes, Buffer.from('x')]) },
        { headers: body.headers, body: bytes.subarray(1) },
        { headers: { 'Content-Type': 'text/html' }, body: bytes },
        { headers: {}, body: bytes },
      ];
      const statuses = [];
      for (const attempt of attempts) {
        statuses.push((await fetch(body.url, { method: 'PUT', ...attempt })).status);
      }
      expect(statuses).to.deep.equal([403, 403, 403, 403]);
      expect(await exists('c.png')).to.equal(false);
    });

    it('is refused at another key than the one it was issued for', async () => {
      const { body } = await startUpload({ key: 'd.png', size: bytes.length, contentType: 'image/png' });
      const url = new URL(body.url);
      url.pathname = url.pathname.replace(/d\.png$/, 'other.png');
      const put = await fetch(url, { method: 'PUT', headers: body.headers, body: bytes });
      expect(put.status).to.equal(403);
      expect(await exists('other.png')).to.equal(false);
    });

    it('accepts an empty file', async () => {
      const { body } = await startUpload({ key: 'empty.txt', size: 0, contentType: 'text/plain' });
      expect(body.type).to.equal('single');
      const put = await fetch(body.url, { method: 'PUT', headers: body.headers, body: Buffer.alloc(0) });
      expect(put.status).to.equal(200);
      expect((await storedObject('empty.txt')).bytes.length).to.equal(0);
    });

    it('stays single up to the multipart threshold', async () => {
      const size = TEST_LIMITS.multipartThresholdBytes;
      const { body } = await startUpload({ key: 'edge.bin', size, contentType: 'application/octet-stream' });
      expect(body.type).to.equal('single');
    });
  });

  describe('a multipart upload', () => {
    // Two full 5 MiB parts and a small last one.
    const size = 2 * MIN_PART_BYTES + 12345;
    const bytes = testBytes(size, 7);

    it('is cut into 5 MiB parts whose URLs sign their part number and content-length', async () => {
      const { status, body } = await startUpload({ key: 'big.bin', size, contentType: 'video/mp4' });
      expect(status).to.equal(200);
      expect(body).to.have.keys(['type', 'uploadId', 'partSize', 'parts', 'expiresAt']);
      expect(body.partSize).to.equal(MIN_PART_BYTES);
      expect(body.parts.map((p: { partNumber: number }) => p.partNumber)).to.deep.equal([1, 2, 3]);
      for (const part of body.parts) {
        const query = new URL(part.url).searchParams;
        expect(query.get('X-Amz-SignedHeaders')).to.equal('content-length;host');
        expect(query.get('partNumber')).to.equal(String(part.partNumber));
      }
    });

    it('uploads 3 parts with fetch, completes, and stores exactly the bytes', async () => {
      const { body } = await startUpload({ key: 'videos/big.mp4', size, contentType: 'video/mp4' });
      const parts = await putParts(body.parts, body.partSize, bytes);
      const res = await complete(
        apiEvent({
          identityId: user,
          method: 'POST',
          path: '/uploads/complete',
          body: { key: 'videos/big.mp4', uploadId: body.uploadId, parts },
        }),
        context,
      );
      expect(res.statusCode).to.equal(200);
      const completed = JSON.parse(res.body);
      expect(completed).to.have.keys(['key', 'size', 'etag']);
      expect(completed).to.include({ key: 'videos/big.mp4', size });
      expect(completed.etag).to.match(/^[0-9a-f-]+$/);
      const stored = await storedObject('videos/big.mp4');
      expect(stored.bytes.equals(bytes)).to.equal(true);
      expect(stored.contentType).to.equal('video/mp4');
    });

    it('refuses a part of another length than planned', async () => {
      const { body } = await startUpload({ key: 'big2.bin', size, contentType: 'video/mp4' });
      const last = body.parts[2];
      const longer = await fetch(last.url, { method: 'PUT', body: testBytes(12346) });
      const shorter = await fetch(last.url, { method: 'PUT', body: testBytes(12344) });
      expect([longer.status, shorter.status]).to.deep.equal([403, 403]);
    });
  });

  it('answers 413 above the maximum file size, and 200 at it', async () => {
    const max = TEST_LIMITS.maxFileBytes;
    const over = await startUpload({ key: 'huge.bin', size: max + 1, contentType: 'video/mp4' });
    expect(over.status).to.equal(413);
    expect(over.body.error.code).to.equal('PayloadTooLarge');
    const at = await startUpload({ key: 'huge.bin', size: max, contentType: 'video/mp4' });
    expect(at.status).to.equal(200);
    expect(at.body.parts).to.have.length(4);
  });
});
