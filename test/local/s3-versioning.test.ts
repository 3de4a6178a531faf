import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetBucketVersioningCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  ListObjectVersionsCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
  type S3Client,
  UploadPartCopyCommand,
} from '@aws-sdk/client-s3';
import { expect } from 'chai';
import { BUCKET, type S3Server, startS3Server } from '../../devtools/local-s3';
import { s3Code } from '../support/s3-code';

const MiB = 1024 ** 2;

describe('local S3: bucket versioning', () => {
  let fixture: S3Server;
  let s3: S3Client;

  beforeEach(async () => {
    fixture = await startS3Server({ versionedBuckets: [BUCKET] });
    s3 = fixture.client;
  });
  afterEach(() => fixture.stop());

  const put = async (Key: string, Body: string | Buffer) =>
    (await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key, Body }))).VersionId as string;
  const read = async (Key: string, VersionId?: string) =>
    (await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key, VersionId }))).Body?.transformToString();
  const versionsOf = async (Prefix: string) => {
    const page = await s3.send(new ListObjectVersionsCommand({ Bucket: BUCKET, Prefix }));
    return {
      versions: (page.Versions ?? []).map((v) => [v.Key, v.VersionId, v.IsLatest, v.Size]),
      markers: (page.DeleteMarkers ?? []).map((m) => [m.Key, m.VersionId, m.IsLatest]),
    };
  };

  it('is on for a bucket named at start, and a bucket can be switched by PutBucketVersioning', async () => {
    expect((await s3.send(new GetBucketVersioningCommand({ Bucket: BUCKET }))).Status).to.equal('Enabled');
    await s3.send(
      new PutBucketVersioningCommand({ Bucket: BUCKET, VersioningConfiguration: { Status: 'Suspended' } }),
    );
    expect((await s3.send(new GetBucketVersioningCommand({ Bucket: BUCKET }))).Status).to.equal('Suspended');
    await fixture.restart();
    s3 = fixture.client;
    // A bucket named at start is turned on again, as the stack keeps it on.
    expect((await s3.send(new GetBucketVersioningCommand({ Bucket: BUCKET }))).Status).to.equal('Enabled');
  });

  it('keeps every write as a version, and a delete leaves a marker that hides the key', async () => {
    const first = await put('a.txt', 'one');
    const second = await put('a.txt', 'two!');
    expect(first).to.match(/^[A-Za-z0-9_-]{32}$/);
    expect(second).to.not.equal(first);
    expect(await read('a.txt')).to.equal('two!');
    expect(await read('a.txt', first)).to.equal('one');
    const head = await s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'a.txt', VersionId: first }));
    expect(head.ContentLength).to.equal(3);
    expect(head.VersionId).to.equal(first);

    const deleted = await s3.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: 'a.txt' }));
    expect(deleted.DeleteMarker).to.equal(true);
    const marker = deleted.VersionId as string;
    expect(await s3Code(read('a.txt'))).to.equal('404 NoSuchKey');
    expect(await s3Code(read('a.txt', marker))).to.equal('405 MethodNotAllowed');
    expect(await s3Code(read('a.txt', 'B'.repeat(32)))).to.equal('404 NoSuchVersion');
    expect(await s3Code(read('a.txt', 'not a version'))).to.equal('400 InvalidArgument');
    expect((await s3.send(new ListObjectsV2Command({ Bucket: BUCKET }))).KeyCount).to.equal(0);
    expect(await versionsOf('')).to.deep.equal({
      versions: [
        ['a.txt', second, false, 4],
        ['a.txt', first, false, 3],
      ],
      markers: [['a.txt', marker, true]],
    });

    // Removing the marker brings the last version back; removing a version deletes it for good.
    await s3.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: 'a.txt', VersionId: marker }));
    expect(await read('a.txt')).to.equal('two!');
    await s3.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: 'a.txt', VersionId: second }));
    expect(await read('a.txt')).to.equal('one');
    expect((await versionsOf('')).versions).to.deep.equal([['a.txt', first, true, 3]]);
  });

  it('pages ListObjectVersions with key and version id markers, under a prefix', async () => {
    for (const key of ['p/a', 'p/b', 'q/c']) {
      await put(key, `${key} 1`);
      await put(key, `${key} 2`);
    }
    await s3.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: 'p/b' }));
    const seen: [string | undefined, boolean | undefined, boolean][] = [];
    let KeyMarker: string | undefined;
    let VersionIdMarker: string | undefined;
    for (;;) {
      const page = await s3.send(
        new ListObjectVersionsCommand({
          Bucket: BUCKET,
          Prefix: 'p/',
          MaxKeys: 2,
          KeyMarker,
          VersionIdMarker,
        }),
      );
      const entries = [
        ...(page.Versions ?? []).map((v) => ({ ...v, marker: false })),
        ...(page.DeleteMarkers ?? []).map((m) => ({ ...m, marker: true })),
      ];
      expect(entries.length).to.be.at.most(2);
      for (const entry of entries) seen.push([entry.Key, entry.IsLatest, entry.marker]);
      if (!page.IsTruncated) break;
      KeyMarker = page.NextKeyMarker;
      VersionIdMarker = page.NextVersionIdMarker;
    }
    expect(seen.map(([key]) => key)).to.deep.equal(['p/a', 'p/a', 'p/b', 'p/b', 'p/b']);
    expect(seen.filter(([, latest]) => latest)).to.deep.equal([
      ['p/a', true, false],
      ['p/b', true, true],
    ]);
    // A key marker alone skips every version of that key.
    const after = await s3.send(new ListObjectVersionsCommand({ Bucket: BUCKET, KeyMarker: 'p/b' }));
    expect(after.Versions?.map((v) => v.Key)).to.deep.equal(['q/c', 'q/c']);
    expect(after.DeleteMarkers ?? []).to.deep.equal([]);
  });

  it('deletes many: markers without a version id, versions with one', async () => {
    const a1 = await put('m/a', 'a1');
    await put('m/b', 'b1');
    const result = await s3.send(
      new DeleteObjectsCommand({
        Bucket: BUCKET,
        Delete: { Objects: [{ Key: 'm/a', VersionId: a1 }, { Key: 'm/b' }] },
      }),
    );
    expect(result.Deleted?.map((d) => [d.Key, d.DeleteMarker ?? false])).to.deep.equal([
      ['m/a', false],
      ['m/b', true],
    ]);
    const left = await versionsOf('m/');
    expect(left.versions.map(([key, , latest]) => [key, latest])).to.deep.equal([['m/b', false]]);
    expect(left.markers.map(([key, , latest]) => [key, latest])).to.deep.equal([['m/b', true]]);
  });

  it('copies a version, also a multipart part out of one, and refuses a delete marker as the source', async () => {
    const old = await put('c/src', Buffer.alloc(6 * MiB, 1));
    await put('c/src', 'new');
    const copied = await s3.send(
      new CopyObjectCommand({ Bucket: BUCKET, Key: 'c/src', CopySource: `${BUCKET}/c/src?versionId=${old}` }),
    );
    expect(copied.CopySourceVersionId).to.equal(old);
    expect(copied.VersionId).to.match(/^[A-Za-z0-9_-]{32}$/);
    expect((await s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'c/src' }))).ContentLength).to.equal(
      6 * MiB,
    );

    const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: BUCKET, Key: 'c/dst' }));
    const part = await s3.send(
      new UploadPartCopyCommand({
        Bucket: BUCKET,
        Key: 'c/dst',
        UploadId,
        PartNumber: 1,
        CopySource: `${BUCKET}/c/src?versionId=${old}`,
        CopySourceRange: `bytes=0-${MiB - 1}`,
      }),
    );
    await s3.send(
      new CompleteMultipartUploadCommand({
        Bucket: BUCKET,
        Key: 'c/dst',
        UploadId,
        MultipartUpload: { Parts: [{ PartNumber: 1, ETag: part.CopyPartResult?.ETag }] },
      }),
    );
    expect((await s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'c/dst' }))).ContentLength).to.equal(
      MiB,
    );

    const marker = (await s3.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: 'c/src' }))).VersionId;
    expect(
      await s3Code(
        s3.send(
          new CopyObjectCommand({
            Bucket: BUCKET,
            Key: 'c/x',
            CopySource: `${BUCKET}/c/src?versionId=${marker}`,
          }),
        ),
      ),
    ).to.equal('400 InvalidRequest');
    expect(
      await s3Code(
        s3.send(new CopyObjectCommand({ Bucket: BUCKET, Key: 'c/x', CopySource: `${BUCKET}/c/src` })),
      ),
    ).to.equal('404 NoSuchKey');
  });

  it('writes and deletes the null version while suspended, keeping the versions made before', async () => {
    const kept = await put('s.txt', 'versioned');
    await s3.send(
      new PutBucketVersioningCommand({ Bucket: BUCKET, VersioningConfiguration: { Status: 'Suspended' } }),
    );
    await put('s.txt', 'null one');
    await put('s.txt', 'null two');
    expect((await versionsOf('s.txt')).versions.map(([, id]) => id)).to.deep.equal(['null', kept]);
    const deleted = await s3.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: 's.txt' }));
    expect([deleted.DeleteMarker, deleted.VersionId]).to.deep.equal([true, 'null']);
    expect(await versionsOf('s.txt')).to.deep.equal({
      versions: [['s.txt', kept, false, 9]],
      markers: [['s.txt', 'null', true]],
    });
  });

  it('keeps versions across a restart, reads sidecars written before versions existed', async () => {
    const first = await put('r.txt', 'first');
    await put('r.txt', 'second');
    await s3.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: 'r.txt' }));
    // An object stored by the server before versioning: one bare ObjectMeta in its sidecar.
    const meta = join(fixture.dataDir, 'buckets', BUCKET, 'objects', 'meta');
    const [sidecar] = await readdir(meta);
    const stored = JSON.parse(await readFile(join(meta, sidecar), 'utf8'));
    const { versionId: _, ...legacy } = stored.versions[2];
    await writeFile(join(meta, 'legacy.json'), JSON.stringify({ ...legacy, key: 'legacy.txt' }));

    await fixture.restart();
    s3 = fixture.client;
    expect(await read('r.txt', first)).to.equal('first');
    expect(await s3Code(read('r.txt'))).to.equal('404 NoSuchKey');
    expect(await read('legacy.txt', 'null')).to.equal('first');
    expect((await versionsOf('legacy')).versions).to.deep.equal([['legacy.txt', 'null', true, 5]]);
  });
});

describe('local S3: a bucket without versioning', () => {
  it('answers with no version ids and deletes for good, as before versioning existed', async () => {
    const fixture = await startS3Server();
    try {
      const s3 = fixture.client;
      const written = await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'u.txt', Body: 'u' }));
      expect(written.VersionId).to.equal(undefined);
      expect((await s3.send(new GetBucketVersioningCommand({ Bucket: BUCKET }))).Status).to.equal(undefined);
      const deleted = await s3.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: 'u.txt' }));
      expect(deleted.DeleteMarker).to.equal(undefined);
      const listed = await s3.send(new ListObjectVersionsCommand({ Bucket: BUCKET }));
      expect([listed.Versions ?? [], listed.DeleteMarkers ?? []]).to.deep.equal([[], []]);
      expect(await readdir(join(fixture.dataDir, 'buckets', BUCKET, 'objects', 'blobs'))).to.deep.equal([]);
    } finally {
      await fixture.stop();
    }
  });
});
