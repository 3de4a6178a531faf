import { CreateMultipartUploadCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { expect } from 'chai';
import { MIN_PART_BYTES } from '../../contract/s3-limits';
import { type S3Server, startS3Server } from '../../devtools/local-s3';
import { abortUpload } from '../../handlers/abort-upload';
import { completeUpload } from '../../handlers/complete-upload';
import { createUpload } from '../../handlers/create-upload';
import { uploadPlanFolder } from '../../handlers/lib/files/keys';
import type { Handler } from '../../handlers/lib/http/handler';
import { listUploadedParts } from '../../handlers/lib/uploads/uploaded-parts';
import { listUploadParts } from '../../handlers/list-upload-parts';
import { signUploadParts } from '../../handlers/sign-upload-parts';
import { callRoute } from '../support/call';
import { identityId } from '../support/events';
import { getObject, keysUnder, objectKey } from '../support/objects';
import { type PartUrl, putParts, TEST_LIMITS, testBytes, uploadDeps } from '../support/upload-deps';

// local/s3: it implements ListParts and abort, binds an upload id to its key as S3
// does, and checks presigned signatures (so a re-signed URL's content-length is proven, not assumed).
describe('resuming a multipart upload: GET /uploads and POST /uploads/parts', () => {
  let s3: S3Server;
  let create: Handler;
  let sign: Handler;
  let list: Handler;
  let complete: Handler;
  let abort: Handler;
  const user = identityId();
  // Two full 5 MiB parts and a short last one.
  const size = 2 * MIN_PART_BYTES + 4321;
  const bytes = testBytes(size, 5);

  before(async () => {
    s3 = await startS3Server();
    const deps = uploadDeps(s3);
    create = createUpload(deps, TEST_LIMITS);
    sign = signUploadParts(deps);
    list = listUploadParts(deps);
    complete = completeUpload(deps);
    abort = abortUpload(deps);
  });
  after(() => s3.stop());

  async function started(key: string) {
    const res = await callRoute('POST /uploads', create, user, {
      body: { key, size, contentType: 'video/mp4' },
    });
    expect(res.body.type).to.equal('multipart');
    return res.body as { uploadId: string; partSize: number; parts: PartUrl[] };
  }
  const listed = (key: string, uploadId: string, who = user) =>
    callRoute('GET /uploads', list, who, { query: { key, uploadId } });
  const signed = (key: string, uploadId: string, partNumbers: unknown, who = user) =>
    callRoute('POST /uploads/parts', sign, who, { body: { key, uploadId, partNumbers } });

  it('resumes after a reload: lists the parts S3 holds, re-signs the others, completes with all', async () => {
    const upload = await started('videos/trip.mp4');
    const [first] = await putParts(upload.parts.slice(0, 1), upload.partSize, bytes);

    // The page reloads: the client kept only the key and the upload id.
    const progress = await listed('videos/trip.mp4', upload.uploadId);
    expect(progress.status).to.equal(200);
    expect(progress.body).to.deep.equal({
      key: 'videos/trip.mp4',
      uploadId: upload.uploadId,
      size,
      partSize: MIN_PART_BYTES,
      parts: [{ partNumber: 1, size: MIN_PART_BYTES, etag: first.etag.replaceAll('"', '') }],
    });

    const fresh = await signed('videos/trip.mp4', upload.uploadId, [3, 2]);
    expect(fresh.status).to.equal(200);
    expect(fresh.body.partSize).to.equal(MIN_PART_BYTES);
    expect(fresh.body.parts.map((p: PartUrl) => p.partNumber)).to.deep.equal([3, 2]);
    await putParts(fresh.body.parts, fresh.body.partSize, bytes);

    const all = await listed('videos/trip.mp4', upload.uploadId);
    expect(
      all.body.parts.map((p: { partNumber: number; size: number }) => [p.partNumber, p.size]),
    ).to.deep.equal([
      [1, MIN_PART_BYTES],
      [2, MIN_PART_BYTES],
      [3, 4321],
    ]);
    const parts = all.body.parts.map(({ partNumber, etag }: { partNumber: number; etag: string }) => ({
      partNumber,
      etag,
    }));
    const done = await callRoute('POST /uploads/complete', complete, user, {
      body: { key: 'videos/trip.mp4', uploadId: upload.uploadId, parts },
    });
    expect(done.status).to.equal(200);
    expect(done.body).to.include({ key: 'videos/trip.mp4', size });
    const stored = await getObject(s3, `${user}/videos/trip.mp4`);
    expect(stored.bytes.equals(bytes)).to.equal(true);
    expect(stored.contentType).to.equal('video/mp4');
  });

  it('signs each part URL as POST /uploads does: its part number and exact length, for 5 minutes', async () => {
    const upload = await started('signed.bin');
    const fresh = await signed('signed.bin', upload.uploadId, [1, 3]);
    for (const part of fresh.body.parts as PartUrl[]) {
      const query = new URL(part.url).searchParams;
      expect(query.get('X-Amz-SignedHeaders')).to.equal('content-length;host');
      expect(query.get('X-Amz-Expires')).to.equal('300');
      expect(query.get('partNumber')).to.equal(String(part.partNumber));
      expect(query.get('uploadId')).to.equal(upload.uploadId);
      expect([...query.keys()].filter((name) => /checksum/i.test(name))).to.deep.equal([]);
      const signedAt = String(query.get('X-Amz-Date')).replace(
        /^(\d{4})(\d\d)(\d\d)T(\d\d)(\d\d)(\d\d)Z$/,
        '$1-$2-$3T$4:$5:$6Z',
      );
      expect(Date.parse(fresh.body.expiresAt) - Date.parse(signedAt)).to.equal(300_000);
      expect(decodeURIComponent(new URL(part.url).pathname)).to.equal(`/${s3.bucket}/${user}/signed.bin`);
    }
  });

  it('refuses a body of another length than the plan gives the part, with a re-signed URL too', async () => {
    const upload = await started('exact.bin');
    const fresh = await signed('exact.bin', upload.uploadId, [2, 3]);
    const [middle, last] = fresh.body.parts as PartUrl[];
    const statuses = [];
    for (const [url, length] of [
      [middle.url, MIN_PART_BYTES + 1],
      [middle.url, MIN_PART_BYTES - 1],
      [last.url, 4322],
      [last.url, MIN_PART_BYTES],
    ] as const) {
      statuses.push((await fetch(url, { method: 'PUT', body: testBytes(length) })).status);
    }
    expect(statuses).to.deep.equal([403, 403, 403, 403]);
    expect((await listed('exact.bin', upload.uploadId)).body.parts).to.deep.equal([]);
  });

  it('answers 400 for part numbers outside the plan, naming the plan', async () => {
    const upload = await started('plan.bin');
    for (const partNumbers of [[4], [1, 4], [10000]]) {
      const res = await signed('plan.bin', upload.uploadId, partNumbers);
      expect(res.status, JSON.stringify(partNumbers)).to.equal(400);
      expect(res.body.error.message).to.contain('1..3');
    }
  });

  it('signs a part again that was already uploaded: the new bytes replace it', async () => {
    const upload = await started('again.bin');
    await putParts(upload.parts.slice(0, 1), upload.partSize, testBytes(size, 99));
    const fresh = await signed('again.bin', upload.uploadId, [1]);
    await putParts(fresh.body.parts, fresh.body.partSize, bytes);
    await putParts(upload.parts.slice(1), upload.partSize, bytes);
    const { body } = await listed('again.bin', upload.uploadId);
    const done = await callRoute('POST /uploads/complete', complete, user, {
      body: {
        key: 'again.bin',
        uploadId: upload.uploadId,
        parts: body.parts.map(({ size: _, ...p }: object & { size: number }) => p),
      },
    });
    expect(done.status).to.equal(200);
    expect((await getObject(s3, `${user}/again.bin`)).bytes.equals(bytes)).to.equal(true);
  });

  it('answers 404 once the upload is completed or aborted, and for an unknown upload id', async () => {
    const finished = await started('finished.bin');
    const parts = await putParts(finished.parts, finished.partSize, bytes);
    await callRoute('POST /uploads/complete', complete, user, {
      body: { key: 'finished.bin', uploadId: finished.uploadId, parts },
    });
    const dropped = await started('dropped.bin');
    await callRoute('POST /uploads/abort', abort, user, {
      body: { key: 'dropped.bin', uploadId: dropped.uploadId },
    });
    for (const [key, uploadId] of [
      ['finished.bin', finished.uploadId],
      ['dropped.bin', dropped.uploadId],
      ['never.bin', 'no-such-upload'],
    ]) {
      for (const res of [await listed(key, uploadId), await signed(key, uploadId, [1])]) {
        expect(res.status, key).to.equal(404);
        expect(res.body.error.code).to.equal('NotFound');
      }
    }
  });

  it('answers 404 for an upload that POST /uploads did not plan, even one S3 holds open', async () => {
    const key = objectKey(`${user}/unplanned.bin`);
    const created = await s3.client.send(new CreateMultipartUploadCommand({ Bucket: s3.bucket, Key: key }));
    const uploadId = created.UploadId ?? '';
    expect((await listed('unplanned.bin', uploadId)).status).to.equal(404);
    expect((await signed('unplanned.bin', uploadId, [1])).status).to.equal(404);
  });

  it('answers 500 without detail for a plan record it cannot have written', async () => {
    const owner = identityId();
    const upload = await callRoute('POST /uploads', create, owner, {
      body: { key: 'forged.bin', size, contentType: 'video/mp4' },
    });
    const [plan] = await keysUnder(s3, uploadPlanFolder(owner));
    for (const body of ['{', JSON.stringify({ key: `${owner}/forged.bin`, size: 1e20, partSize: 1 })]) {
      await s3.client.send(new PutObjectCommand({ Bucket: s3.bucket, Key: plan, Body: body }));
      const res = await signed('forged.bin', upload.body.uploadId, [1], owner);
      expect(res.status).to.equal(500);
      expect(res.body.error.code).to.equal('Internal');
    }
  });

  it("keeps one small plan per multipart upload in the caller's plan folder, none for a single PUT", async () => {
    const owner = identityId();
    await callRoute('POST /uploads', create, owner, {
      body: { key: 'small.txt', size: 10, contentType: 'text/plain' },
    });
    expect(await keysUnder(s3, uploadPlanFolder(owner))).to.deep.equal([]);
    await callRoute('POST /uploads', create, owner, {
      body: { key: 'a.bin', size, contentType: 'text/plain' },
    });
    await callRoute('POST /uploads', create, owner, {
      body: { key: 'b.bin', size, contentType: 'text/plain' },
    });
    const plans = await keysUnder(s3, uploadPlanFolder(owner));
    expect(plans).to.have.length(2);
    for (const plan of plans) expect(plan).to.match(new RegExp(`^uploads/${owner}/[0-9a-f]{64}\\.json$`));
    expect(await keysUnder(s3, `${owner}/`)).to.deep.equal([]);
  });

  it('lists every part across ListParts pages', async () => {
    const upload = await started('paged.bin');
    await putParts(upload.parts, upload.partSize, bytes);
    const parts = await listUploadedParts(
      s3.client,
      s3.bucket,
      objectKey(`${user}/paged.bin`),
      upload.uploadId,
      2,
    );
    expect(parts.map((p) => p.partNumber)).to.deep.equal([1, 2, 3]);
  });
});
