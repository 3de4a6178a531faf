import { GetObjectCommand } from '@aws-sdk/client-s3';
import { expect } from 'chai';
import { MIN_PART_BYTES } from '../../contract/s3-limits';
import { type S3Server, startS3Server } from '../../devtools/local-s3';
import { abortUpload } from '../../handlers/abort-upload';
import { completeUpload } from '../../handlers/complete-upload';
import { createUpload } from '../../handlers/create-upload';
import type { Handler } from '../../handlers/lib/http/handler';
import { callRoute } from '../support/call';
import { identityId } from '../support/events';
import { putParts, TEST_LIMITS, testBytes, uploadDeps } from '../support/upload-deps';

// local/s3: it implements AbortMultipartUpload and checks part etags on completion. The presigned-URL
// checks are in uploads-presigned.test.ts.
describe('multipart uploads: complete and abort', () => {
  let s3: S3Server;
  let create: Handler;
  let complete: Handler;
  let abort: Handler;
  const user = identityId();
  const size = 2 * MIN_PART_BYTES + 100;
  const bytes = testBytes(size, 3);

  before(async () => {
    s3 = await startS3Server();
    const deps = uploadDeps(s3);
    create = createUpload(deps, TEST_LIMITS);
    complete = completeUpload(deps);
    abort = abortUpload(deps);
  });
  after(() => s3.stop());

  const completing = (key: string, uploadId: string, parts: { partNumber: number; etag: string }[]) =>
    callRoute('POST /uploads/complete', complete, user, { body: { key, uploadId, parts } });

  async function started(key: string) {
    const { status, body } = await callRoute('POST /uploads', create, user, {
      body: { key, size, contentType: 'application/zip' },
    });
    expect(status).to.equal(200);
    expect(body.type).to.equal('multipart');
    return body as { uploadId: string; partSize: number; parts: { partNumber: number; url: string }[] };
  }

  it('completes an upload, the object keeping its content type', async () => {
    const upload = await started('archive.zip');
    const parts = await putParts(upload.parts, upload.partSize, bytes);
    const done = await completing('archive.zip', upload.uploadId, parts);
    expect(done.status).to.equal(200);
    expect(done.body).to.include({ key: 'archive.zip', size });
    const object = await s3.client.send(
      new GetObjectCommand({ Bucket: s3.bucket, Key: `${user}/archive.zip` }),
    );
    expect(Buffer.from((await object.Body?.transformToByteArray()) ?? []).equals(bytes)).to.equal(true);
    expect(object.ContentType).to.equal('application/zip');
    expect(object.ETag).to.equal(`"${done.body.etag}"`);
  });

  it('answers 409 for a part whose etag does not match, and completes once it does', async () => {
    const upload = await started('retry.zip');
    const parts = await putParts(upload.parts, upload.partSize, bytes);
    const wrong = parts.map((part, i) =>
      i === 1 ? { ...part, etag: '0123456789abcdef0123456789abcdef' } : part,
    );
    const conflict = await completing('retry.zip', upload.uploadId, wrong);
    expect(conflict.status).to.equal(409);
    expect(conflict.body.error.code).to.equal('Conflict');
    const done = await completing('retry.zip', upload.uploadId, parts);
    expect(done.status).to.equal(200);
  });

  it('aborts: the upload then takes no part and cannot be completed', async () => {
    const upload = await started('dropped.zip');
    const first = await putParts(upload.parts.slice(0, 1), upload.partSize, bytes);
    const aborted = await callRoute('POST /uploads/abort', abort, user, {
      body: { key: 'dropped.zip', uploadId: upload.uploadId },
    });
    expect(aborted).to.deep.equal({ status: 204, body: undefined });

    const part2 = upload.parts[1];
    const late = await fetch(part2.url, {
      method: 'PUT',
      body: bytes.subarray(MIN_PART_BYTES, 2 * MIN_PART_BYTES),
    });
    expect(late.status).to.equal(404);
    expect(await late.text()).to.contain('NoSuchUpload');

    const done = await completing('dropped.zip', upload.uploadId, first);
    expect(done.status).to.equal(404);
    expect(done.body.error.code).to.equal('NotFound');
  });

  it('answers 204 to aborting an unknown or already aborted upload', async () => {
    const upload = await started('twice.zip');
    const first = await callRoute('POST /uploads/abort', abort, user, {
      body: { key: 'twice.zip', uploadId: upload.uploadId },
    });
    const again = await callRoute('POST /uploads/abort', abort, user, {
      body: { key: 'twice.zip', uploadId: upload.uploadId },
    });
    const unknown = await callRoute('POST /uploads/abort', abort, user, {
      body: { key: 'twice.zip', uploadId: 'no-such-upload' },
    });
    expect([first.status, again.status, unknown.status]).to.deep.equal([204, 204, 204]);
  });

  it('answers 404 to completing an unknown upload id', async () => {
    const res = await completing('nothing.zip', 'no-such-upload', [
      { partNumber: 1, etag: '"0123456789abcdef0123456789abcdef"' },
    ]);
    expect(res.status).to.equal(404);
    expect(res.body.error.code).to.equal('NotFound');
  });
});
