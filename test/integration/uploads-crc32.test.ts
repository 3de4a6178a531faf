import { crc32 } from 'node:zlib';
import { HeadObjectCommand } from '@aws-sdk/client-s3';
import { expect } from 'chai';
import { type S3Server, startS3Server } from '../../devtools/local-s3';
import { completeUpload } from '../../handlers/complete-upload';
import { createUpload } from '../../handlers/create-upload';
import type { Handler } from '../../handlers/lib/http/handler';
import { crc32Base64 } from '../../handlers/lib/s3/crc32';
import { putFile } from '../../handlers/put-file';
import { contractChecked } from '../support/contract-handler';
import { testDeps } from '../support/deps';
import { apiEvent, context, identityId } from '../support/events';
import { objectExists } from '../support/objects';
import { putParts, TEST_LIMITS, testBytes, uploadDeps } from '../support/upload-deps';

// local/s3: it checks signatures and x-amz-checksum-* values, as S3 does.
describe('upload checksums: every new file gets a CRC-32 in S3 (local S3)', () => {
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
  const storedCrc32 = async (key: string) => {
    const head = await s3.client.send(
      new HeadObjectCommand({ Bucket: s3.bucket, Key: `${user}/${key}`, ChecksumMode: 'ENABLED' }),
    );
    return { crc32: head.ChecksumCRC32, type: head.ChecksumType };
  };

  it('PUT /file stores the body with its CRC-32', async () => {
    const bytes = testBytes(3000, 7);
    const res = await contractChecked('PUT /file', putFile(testDeps(s3), { maxBytes: 10_000 }))(
      apiEvent({ identityId: user, method: 'PUT', path: '/file', query: { key: 'p.bin' }, body: bytes }),
      context,
    );
    expect(res.statusCode).to.equal(201);
    expect(await storedCrc32('p.bin')).to.deep.equal({
      crc32: crc32Base64(crc32(bytes)),
      type: 'FULL_OBJECT',
    });
  });

  it('binds a given crc32 to the presigned PUT: the right bytes are stored with it, others refused', async () => {
    const bytes = testBytes(1000, 3);
    const checksum = crc32Base64(crc32(bytes));
    const { status, body } = await startUpload({
      key: 'c.bin',
      size: 1000,
      contentType: 'image/png',
      crc32: checksum,
    });
    expect(status).to.equal(200);
    expect(body.headers).to.deep.equal({
      'Content-Type': 'image/png',
      'If-None-Match': '*',
      'x-amz-checksum-crc32': checksum,
    });
    expect(new URL(body.url).searchParams.get('X-Amz-SignedHeaders')).to.equal(
      'content-length;content-type;host;if-none-match;x-amz-checksum-crc32',
    );
    const other = Buffer.from(bytes);
    other[500] ^= 1;
    const wrong = await fetch(body.url, { method: 'PUT', headers: body.headers, body: other });
    expect(wrong.status).to.equal(400);
    expect(await wrong.text()).to.contain('BadDigest');
    const withoutHeader = await fetch(body.url, {
      method: 'PUT',
      headers: { 'Content-Type': 'image/png', 'If-None-Match': '*' },
      body: bytes,
    });
    expect(withoutHeader.status).to.equal(403);
    expect(await objectExists(s3, `${user}/c.bin`)).to.equal(false);
    const put = await fetch(body.url, { method: 'PUT', headers: body.headers, body: bytes });
    expect(put.status).to.equal(200);
    expect((await storedCrc32('c.bin')).crc32).to.equal(checksum);
  });

  it('refuses a crc32 that is not 4 bytes of base64', async () => {
    for (const crc of ['EjRWeA', 'EjRWeAA=', 'EjRWeB==', 12345, '']) {
      const { status, body } = await startUpload({
        key: 'd.bin',
        size: 10,
        contentType: 'image/png',
        crc32: crc,
      });
      expect(status, String(crc)).to.equal(400);
      expect(body.error.message).to.contain('crc32');
    }
  });

  it('creates multipart uploads whose object gets a full-object CRC-32 from its parts', async () => {
    const size = TEST_LIMITS.partBytes * 2 + 1234;
    const bytes = testBytes(size, 11);
    const { body } = await startUpload({ key: 'm.bin', size, contentType: 'video/mp4' });
    expect(body.type).to.equal('multipart');
    const parts = await putParts(body.parts, body.partSize, bytes);
    const res = await complete(
      apiEvent({
        identityId: user,
        method: 'POST',
        path: '/uploads/complete',
        body: { key: 'm.bin', uploadId: body.uploadId, parts },
      }),
      context,
    );
    expect(res.statusCode).to.equal(200);
    expect(await storedCrc32('m.bin')).to.deep.equal({
      crc32: crc32Base64(crc32(bytes)),
      type: 'FULL_OBJECT',
    });
  });
});
