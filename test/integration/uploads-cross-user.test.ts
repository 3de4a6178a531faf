import { expect } from 'chai';
import { MIN_PART_BYTES } from '../../contract/s3-limits';
import { type S3Server, startS3Server } from '../../devtools/local-s3';
import { abortUpload } from '../../handlers/abort-upload';
import { completeUpload } from '../../handlers/complete-upload';
import { createUpload } from '../../handlers/create-upload';
import type { Handler } from '../../handlers/lib/http/handler';
import { callRoute } from '../support/call';
import { identityId } from '../support/events';
import { getObject, keysUnder, putObject } from '../support/objects';
import { putParts, TEST_LIMITS, testBytes, uploadDeps } from '../support/upload-deps';

// local/s3 binds an upload id to its key as S3 does (UploadPart, Complete or Abort naming another key is
// 404 NoSuchUpload), so what is proven here is the handlers' own checks, and S3's behind them.
describe('uploads across users', () => {
  let s3: S3Server;
  let create: Handler;
  let complete: Handler;
  let abort: Handler;
  const alice = identityId();
  const bob = identityId();
  const size = 2 * MIN_PART_BYTES + 10;
  const aliceBytes = testBytes(size, 1);
  const keptBytes = Buffer.from('alice keeps this');

  before(async () => {
    s3 = await startS3Server();
    const deps = uploadDeps(s3);
    create = createUpload(deps, TEST_LIMITS);
    complete = completeUpload(deps);
    abort = abortUpload(deps);
    await putObject(s3, `${alice}/kept.txt`, keptBytes);
  });
  after(async () => {
    await s3.stop();
  });

  const aliceObject = async (key: string) => (await getObject(s3, `${alice}/${key}`)).bytes;

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
    `zip/../${alice}/report.bin`,
  ];

  it("never lets Bob complete or abort Alice's upload, which then completes with her bytes", async () => {
    const started = await callRoute('POST /uploads', create, alice, {
      body: {
        key: 'report.bin',
        size,
        contentType: 'text/csv',
      },
    });
    const { uploadId, partSize, parts: urls } = started.body;
    const parts = await putParts(urls, partSize, aliceBytes);

    const bobStatuses = new Set<number>();
    for (const key of tricks) {
      const completed = await callRoute('POST /uploads/complete', complete, bob, {
        body: { key, uploadId, parts },
      });
      const aborted = await callRoute('POST /uploads/abort', abort, bob, { body: { key, uploadId } });
      bobStatuses.add(completed.status);
      expect(completed.status, `complete ${JSON.stringify(key)}`).to.be.oneOf([400, 404]);
      expect(aborted.status, `abort ${JSON.stringify(key)}`).to.be.oneOf([204, 400]);
    }
    // Both refusals were met: the key tricks (400) and the upload id under Bob's own key (404).
    expect([...bobStatuses].sort()).to.deep.equal([400, 404]);

    const done = await callRoute('POST /uploads/complete', complete, alice, {
      body: { key: 'report.bin', uploadId, parts },
    });
    expect(done.status).to.equal(200);
    expect((await aliceObject('report.bin')).equals(aliceBytes)).to.equal(true);
  });

  it("never hands Bob an upload URL into Alice's folder", async () => {
    const bobFolder = `/${s3.bucket}/${bob}/`;
    for (const key of [...tricks, 'kept.txt', `${alice}/kept.txt`]) {
      for (const size of [keptBytes.length, 2 * MIN_PART_BYTES]) {
        const res = await callRoute('POST /uploads', create, bob, {
          body: { key, size, contentType: 'text/plain' },
        });
        expect(res.status, JSON.stringify(key)).to.be.oneOf([200, 400]);
        if (res.status !== 200) continue;
        const urls: string[] =
          res.body.type === 'single' ? [res.body.url] : res.body.parts.map((p: { url: string }) => p.url);
        for (const url of urls) {
          expect(decodeURIComponent(new URL(url).pathname).startsWith(bobFolder), url).to.equal(true);
        }
        if (res.body.type === 'single') {
          // Bob uses the URL he got: it writes into his own folder only. The URL signs the declared size,
          // so the body has exactly that size (a server that checks signatures refuses any other).
          const put = await fetch(res.body.url, {
            method: 'PUT',
            headers: res.body.headers,
            body: Buffer.alloc(size, 'b'),
          });
          expect(put.status).to.equal(200);
        }
      }
    }
    expect((await aliceObject('kept.txt')).equals(keptBytes)).to.equal(true);
    expect(await keysUnder(s3, `${alice}/`)).to.deep.equal([`${alice}/kept.txt`, `${alice}/report.bin`]);
  });
});
