import {
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  ListMultipartUploadsCommand,
  ListObjectVersionsCommand,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { expect } from 'chai';
import { BUCKET, type S3Server, startS3Server } from '../../devtools/local-s3';
import type { ObjectRemovedEvent } from '../../local/s3';

const DAY_MS = 24 * 60 * 60 * 1000;

// The bucket's lifecycle rules as the local S3 runs them (expireNow, as of a clock the test moves).
describe('local S3: lifecycle rules', () => {
  let fixture: S3Server;
  let s3: S3Client;
  let removed: ObjectRemovedEvent[];

  beforeEach(async () => {
    removed = [];
    fixture = await startS3Server({
      versionedBuckets: [BUCKET],
      lifecycle: {
        rules: {
          [BUCKET]: [
            { prefix: '', abortIncompleteUploadDays: 1, expiredDeleteMarkers: true },
            { prefix: 'users/', noncurrentDays: 30 },
          ],
        },
      },
      onObjectRemoved: (event) => {
        removed.push(event);
      },
    });
    s3 = fixture.client;
  });
  afterEach(() => fixture.stop());

  const put = async (Key: string) =>
    (await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key, Body: 'x' }))).VersionId as string;
  const versions = async (Prefix: string) => {
    const page = await s3.send(new ListObjectVersionsCommand({ Bucket: BUCKET, Prefix }));
    return [...(page.Versions ?? []), ...(page.DeleteMarkers ?? [])].map((v) => v.VersionId);
  };

  it('removes noncurrent versions once their days are over, only under the rule, each reported as LifecycleExpiration', async () => {
    const old = await put('users/a');
    const current = await put('users/a');
    await put('other/b');
    await put('other/b');
    expect(await fixture.expireNow(Date.now() + 29 * DAY_MS)).to.deep.equal({
      [BUCKET]: { expiredVersions: 0, removedMarkers: 0, abortedUploads: 0 },
    });
    expect(await versions('users/a')).to.have.members([old, current]);
    const report = await fixture.expireNow(Date.now() + 31 * DAY_MS);
    expect(report[BUCKET].expiredVersions).to.equal(1);
    expect(await versions('users/a')).to.deep.equal([current]);
    expect(await versions('other/b')).to.have.length(2);
    expect(removed).to.deep.equal([{ bucket: BUCKET, key: 'users/a', versionId: old, lifecycle: true }]);
  });

  it('removes a delete marker left alone once its versions expired', async () => {
    await put('users/gone');
    await s3.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: 'users/gone' }));
    await fixture.expireNow(Date.now() + 31 * DAY_MS);
    expect(await versions('users/gone')).to.have.length(1);
    await fixture.expireNow(Date.now() + 31 * DAY_MS);
    expect(await versions('users/gone')).to.deep.equal([]);
    expect(removed.map((event) => event.lifecycle ?? false)).to.deep.equal([false, true, true]);
  });

  it('aborts multipart uploads open longer than the rule allows, not younger ones', async () => {
    await s3.send(new CreateMultipartUploadCommand({ Bucket: BUCKET, Key: 'users/up' }));
    const open = async () =>
      (await s3.send(new ListMultipartUploadsCommand({ Bucket: BUCKET }))).Uploads?.length ?? 0;
    await fixture.expireNow(Date.now() + DAY_MS / 2);
    expect(await open()).to.equal(1);
    expect((await fixture.expireNow(Date.now() + 2 * DAY_MS))[BUCKET].abortedUploads).to.equal(1);
    expect(await open()).to.equal(0);
  });
});
