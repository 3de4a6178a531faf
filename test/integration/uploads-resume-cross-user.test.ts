import { expect } from 'chai';
import { MIN_PART_BYTES } from '../../contract/s3-limits';
import { type S3Server, startS3Server } from '../../devtools/local-s3';
import { completeUpload } from '../../handlers/complete-upload';
import { createUpload } from '../../handlers/create-upload';
import type { Handler } from '../../handlers/lib/http/handler';
import { listUploadParts } from '../../handlers/list-upload-parts';
import { signUploadParts } from '../../handlers/sign-upload-parts';
import { callRoute } from '../support/call';
import { identityId } from '../support/events';
import { getObject } from '../support/objects';
import { type PartUrl, putParts, TEST_LIMITS, testBytes, uploadDeps } from '../support/upload-deps';

// local/s3: it has ListParts and binds an upload id to its key as real S3 does, so Bob's attempts meet
// the same refusals they would in AWS.
describe('resuming uploads across users', () => {
  let s3: S3Server;
  let create: Handler;
  let sign: Handler;
  let list: Handler;
  let complete: Handler;
  const alice = identityId();
  const bob = identityId();
  const size = 2 * MIN_PART_BYTES + 10;
  const aliceBytes = testBytes(size, 1);

  before(async () => {
    s3 = await startS3Server();
    const deps = uploadDeps(s3);
    create = createUpload(deps, TEST_LIMITS);
    sign = signUploadParts(deps);
    list = listUploadParts(deps);
    complete = completeUpload(deps);
  });
  after(() => s3.stop());

  const start = async (who: string, key: string) =>
    (await callRoute('POST /uploads', create, who, { body: { key, size, contentType: 'text/csv' } }))
      .body as {
      uploadId: string;
      partSize: number;
      parts: PartUrl[];
    };

  /** Every way Bob might name Alice's file "report.bin" or her folder. */
  const tricks = [
    'report.bin',
    `${alice}/report.bin`,
    `../${alice}/report.bin`,
    `/${alice}/report.bin`,
    `%2e%2e/${alice}/report.bin`,
    `..%2f${alice}/report.bin`,
    `\uff0e\uff0e\uff0f${alice}/report.bin`,
    `.\u200b./${alice}/report.bin`,
    `..\\${alice}\\report.bin`,
    `uploads/${alice}/report.bin`,
  ];

  it("never lets Bob list or sign parts of Alice's upload, even with her upload id", async () => {
    const upload = await start(alice, 'report.bin');
    await putParts(upload.parts.slice(0, 1), upload.partSize, aliceBytes);
    // Bob has an upload of his own under the same key: still not Alice's.
    await start(bob, 'report.bin');

    const statuses = new Set<number>();
    for (const key of tricks) {
      const listed = await callRoute('GET /uploads', list, bob, {
        query: { key, uploadId: upload.uploadId },
      });
      const signed = await callRoute('POST /uploads/parts', sign, bob, {
        body: { key, uploadId: upload.uploadId, partNumbers: [1, 2, 3] },
      });
      for (const res of [listed, signed]) {
        expect(res.status, JSON.stringify(key)).to.be.oneOf([400, 404]);
        expect(JSON.stringify(res.body)).not.to.contain(alice);
        statuses.add(res.status);
      }
    }
    // Both refusals were met: the key tricks (400) and the upload id under Bob's own keys (404).
    expect([...statuses].sort()).to.deep.equal([400, 404]);

    // Alice resumes and completes her upload, untouched.
    const progress = await callRoute('GET /uploads', list, alice, {
      query: { key: 'report.bin', uploadId: upload.uploadId },
    });
    expect(progress.body.parts.map((p: { partNumber: number }) => p.partNumber)).to.deep.equal([1]);
    const fresh = await callRoute('POST /uploads/parts', sign, alice, {
      body: { key: 'report.bin', uploadId: upload.uploadId, partNumbers: [2, 3] },
    });
    await putParts(fresh.body.parts, fresh.body.partSize, aliceBytes);
    const all = await callRoute('GET /uploads', list, alice, {
      query: { key: 'report.bin', uploadId: upload.uploadId },
    });
    const done = await callRoute('POST /uploads/complete', complete, alice, {
      body: {
        key: 'report.bin',
        uploadId: upload.uploadId,
        parts: all.body.parts.map(({ partNumber, etag }: { partNumber: number; etag: string }) => ({
          partNumber,
          etag,
        })),
      },
    });
    expect(done.status).to.equal(200);
    expect((await getObject(s3, `${alice}/report.bin`)).bytes.equals(aliceBytes)).to.equal(true);
  });

  it("never lets one of Alice's upload ids serve another of her keys", async () => {
    const upload = await start(alice, 'a.bin');
    for (const key of ['b.bin', 'a.bin.part', 'A.bin', 'folder/a.bin']) {
      const listed = await callRoute('GET /uploads', list, alice, {
        query: { key, uploadId: upload.uploadId },
      });
      const signed = await callRoute('POST /uploads/parts', sign, alice, {
        body: { key, uploadId: upload.uploadId, partNumbers: [1] },
      });
      expect([listed.status, signed.status], key).to.deep.equal([404, 404]);
    }
  });

  it("signs Bob's own parts into Bob's folder only", async () => {
    const upload = await start(bob, 'mine.bin');
    const fresh = await callRoute('POST /uploads/parts', sign, bob, {
      body: { key: 'mine.bin', uploadId: upload.uploadId, partNumbers: [1, 2, 3] },
    });
    for (const part of fresh.body.parts as PartUrl[]) {
      expect(decodeURIComponent(new URL(part.url).pathname)).to.equal(`/${s3.bucket}/${bob}/mine.bin`);
    }
  });
});
