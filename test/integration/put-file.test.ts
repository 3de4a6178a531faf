import { HeadObjectCommand } from '@aws-sdk/client-s3';
import { expect } from 'chai';
import sinon from 'sinon';
import { MAX_PUT_FILE_BYTES } from '../../contract/settings';
import { type S3Server, startS3Server } from '../../devtools/local-s3';
import { putFile } from '../../handlers/put-file';
import { contractChecked } from '../support/contract-handler';
import { testDeps } from '../support/deps';
import { apiEvent, context, identityId } from '../support/events';
import { getObject } from '../support/objects';

// local/s3: stores bodies as sent (the SDK's default checksums included) and keeps odd characters in keys.
describe('PUT /file', () => {
  let s3: S3Server;
  const user = identityId();

  before(async () => {
    s3 = await startS3Server();
  });
  after(() => s3.stop());
  afterEach(() => sinon.restore());

  const put = (
    query: Record<string, string>,
    body: string | Buffer | undefined,
    headers: Record<string, string> = {},
    maxBytes = MAX_PUT_FILE_BYTES,
  ) =>
    contractChecked('PUT /file', putFile(testDeps(s3), { maxBytes }))(
      apiEvent({ identityId: user, method: 'PUT', path: '/file', query, body, headers }),
      context,
    );
  const stored = (key: string) => getObject(s3, `${user}/${key}`);

  it('stores a base64-encoded binary body byte for byte, with its Content-Type', async () => {
    const bytes = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
    const res = await put({ key: 'bin/all bytes &+%?é.dat' }, bytes, {
      'content-type': 'image/x-test; q="1"',
    });
    expect(res.statusCode).to.equal(201);
    const body = JSON.parse(res.body);
    const head = await s3.client.send(
      new HeadObjectCommand({ Bucket: s3.bucket, Key: `${user}/bin/all bytes &+%?é.dat` }),
    );
    expect(body).to.deep.equal({
      key: 'bin/all bytes &+%?é.dat',
      size: 256,
      etag: head.ETag?.replace(/"/g, ''),
    });
    expect(await stored('bin/all bytes &+%?é.dat')).to.deep.equal({
      bytes,
      contentType: 'image/x-test; q="1"',
    });
  });

  it('stores a plain-text body as UTF-8 and defaults the Content-Type', async () => {
    const res = await put({ key: 'note.txt' }, 'héllo');
    expect(res.statusCode).to.equal(201);
    expect(JSON.parse(res.body).size).to.equal(6);
    expect(await stored('note.txt')).to.deep.equal({
      bytes: Buffer.from('héllo'),
      contentType: 'application/octet-stream',
    });
  });

  it('stores an empty file and overwrites an existing one', async () => {
    expect((await put({ key: 'twice.txt' }, Buffer.from('first'))).statusCode).to.equal(201);
    const res = await put({ key: 'twice.txt' }, undefined);
    expect(res.statusCode).to.equal(201);
    expect(JSON.parse(res.body).size).to.equal(0);
    expect((await stored('twice.txt')).bytes).to.have.length(0);
  });

  it('accepts a body of exactly the limit and refuses one byte more with 413, before any S3 call', async () => {
    expect((await put({ key: 'limit.bin' }, Buffer.alloc(16, 1), {}, 16)).statusCode).to.equal(201);
    const send = sinon.spy(s3.client, 'send');
    const res = await put({ key: 'limit.bin' }, Buffer.alloc(17, 2), {}, 16);
    expect(res.statusCode).to.equal(413);
    expect(JSON.parse(res.body).error.code).to.equal('PayloadTooLarge');
    expect(send.callCount).to.equal(0);
    sinon.restore();
    expect((await stored('limit.bin')).bytes).to.deep.equal(Buffer.alloc(16, 1));
  });

  it('refuses a body over the default 4 MiB', async () => {
    const send = sinon.spy(s3.client, 'send');
    const res = await put({ key: 'big.bin' }, Buffer.alloc(MAX_PUT_FILE_BYTES + 1));
    expect(res.statusCode).to.equal(413);
    expect(send.callCount).to.equal(0);
  });

  it('refuses a malformed Content-Type, a folder key and a missing key with 400', async () => {
    const cases: [Record<string, string>, Record<string, string>, string][] = [
      [{ key: 'x.txt' }, { 'Content-Type': 'text/html\r\nSet-Cookie: a=b' }, 'BadRequest'],
      [{ key: 'x.txt' }, { 'Content-Type': 'not a type' }, 'BadRequest'],
      [{ key: 'folder/' }, {}, 'InvalidKey'],
      [{ key: '../x.txt' }, {}, 'InvalidKey'],
      [{}, {}, 'BadRequest'],
    ];
    for (const [query, headers, code] of cases) {
      const res = await put(query, Buffer.from('x'), headers);
      expect(res.statusCode, JSON.stringify([query, headers])).to.equal(400);
      expect(JSON.parse(res.body).error.code).to.equal(code);
    }
  });
});
