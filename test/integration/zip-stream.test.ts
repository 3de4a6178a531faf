import { randomBytes } from 'node:crypto';
import { GetObjectCommand, HeadObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { expect } from 'chai';
import { type S3Server, startS3Server } from '../../devtools/local-s3';
import {
  archiveEntryNames,
  type ZipEntry,
  ZipFailedError,
  type ZipProgress,
  zipToS3,
} from '../../handlers/lib/zip/stream';
import { objectKey } from '../support/objects';
import { unzip } from '../support/unzip';

const MiB = 1024 * 1024;

// local/s3: it takes the SDK's streamed multipart bodies and answers AbortMultipartUpload like S3.
describe('zipToS3 on a real S3 server', () => {
  let s3: S3Server;
  const sources = new Map<string, Buffer>();

  async function put(userKey: string, body: Buffer): Promise<ZipEntry> {
    const s3Key = objectKey(`owner/${userKey}`);
    await s3.client.send(new PutObjectCommand({ Bucket: s3.bucket, Key: s3Key, Body: body }));
    sources.set(s3Key, body);
    return { s3Key, name: userKey, size: body.length };
  }

  async function archive(key: string): Promise<Buffer> {
    const object = await s3.client.send(new GetObjectCommand({ Bucket: s3.bucket, Key: key }));
    return Buffer.from(
      await (object.Body as { transformToByteArray(): Promise<Uint8Array> }).transformToByteArray(),
    );
  }

  before(async () => {
    s3 = await startS3Server();
  });
  after(() => s3.stop());

  it('writes every file, with its path and bytes, into one archive that yauzl reads', async () => {
    const entries = [
      await put('notes.txt', Buffer.from('hello, zip\n'.repeat(500))),
      await put('photos/2024/été 🌞.jpg', randomBytes(200_000)),
      await put('empty.bin', Buffer.alloc(0)),
      await put('photos/2024/deep/data.csv', Buffer.from('a,b\n1,2\n'.repeat(1000))),
    ];
    const progress: ZipProgress[] = [];

    const result = await zipToS3({
      s3: s3.client,
      bucket: s3.bucket,
      entries,
      targetKey: objectKey('zip/owner/job-1.zip'),
      onProgress: (p) => progress.push(p),
    });

    const bytes = await archive('zip/owner/job-1.zip');
    expect(result.size).to.equal(bytes.length);
    const head = await s3.client.send(
      new HeadObjectCommand({ Bucket: s3.bucket, Key: 'zip/owner/job-1.zip' }),
    );
    expect(result.etag).to.equal(head.ETag);
    const { entries: unzipped } = await unzip(bytes);
    expect(unzipped.map((e) => e.name)).to.deep.equal(entries.map((e) => e.name));
    for (const [i, entry] of entries.entries()) {
      expect(unzipped[i].data.equals(sources.get(entry.s3Key) as Buffer), entry.name).to.equal(true);
    }
    // Text deflates, the photo and the unknown binary are stored.
    expect(unzipped.map((e) => e.compressionMethod)).to.deep.equal([8, 0, 0, 8]);
    const total = entries.reduce((sum, e) => sum + e.size, 0);
    expect(progress.at(-1)).to.deep.equal({ filesDone: 4, bytesDone: total });
  });

  it('streams a multipart archive of several parts, in order, with the prefetched files', async () => {
    const entries = [];
    for (const name of ['a.bin', 'b.bin', 'c.bin'])
      entries.push(await put(`big/${name}`, randomBytes(3 * MiB)));

    const result = await zipToS3({
      s3: s3.client,
      bucket: s3.bucket,
      entries,
      targetKey: objectKey('zip/owner/job-2.zip'),
      partSizeBytes: 5 * MiB,
    });

    expect(result.etag).to.match(/-2"$/); // two parts
    const { entries: unzipped, zip64End } = await unzip(await archive('zip/owner/job-2.zip'));
    expect(unzipped.map((e) => e.name)).to.deep.equal(['big/a.bin', 'big/b.bin', 'big/c.bin']);
    for (const [i, entry] of entries.entries()) {
      expect(unzipped[i].data.equals(sources.get(entry.s3Key) as Buffer), entry.name).to.equal(true);
    }
    expect(zip64End).to.equal(false);
  });

  it('writes ZIP64 records when forced, and yauzl reads them', async () => {
    const entries = [await put('z/one.txt', Buffer.from('one')), await put('z/two.jpg', randomBytes(1000))];

    await zipToS3({
      s3: s3.client,
      bucket: s3.bucket,
      entries,
      targetKey: objectKey('zip/owner/job-3.zip'),
      forceZip64: true,
    });

    const { entries: unzipped, zip64End } = await unzip(await archive('zip/owner/job-3.zip'));
    expect(zip64End).to.equal(true);
    expect(unzipped.map((e) => e.zip64)).to.deep.equal([true, true]);
    expect(unzipped.map((e) => e.data.toString('hex'))).to.deep.equal(
      entries.map((e) => sources.get(e.s3Key)?.toString('hex')),
    );
  });

  it('unpacks colliding and unsafe keys under safe, distinct names', async () => {
    const keys = ['docs/a.txt', 'docs/A.txt', '../evil.txt', 'docs', 'a\\b.txt'];
    const names = archiveEntryNames(keys);
    const entries = [];
    for (const [i, name] of names.entries()) {
      const body = Buffer.from(`file ${i}`);
      const s3Key = objectKey(`owner/odd/${i}`);
      await s3.client.send(new PutObjectCommand({ Bucket: s3.bucket, Key: s3Key, Body: body }));
      entries.push({ s3Key, name, size: body.length });
    }

    await zipToS3({ s3: s3.client, bucket: s3.bucket, entries, targetKey: objectKey('zip/owner/job-4.zip') });

    // strictFileNames: yauzl refuses absolute paths, ".." and backslashes.
    const { entries: unzipped } = await unzip(await archive('zip/owner/job-4.zip'));
    expect(unzipped.map((e) => e.name)).to.deep.equal([
      'docs/a.txt',
      'docs/A (2).txt',
      'evil.txt',
      'docs (2)',
      'a_b.txt',
    ]);
    expect(unzipped.map((e) => e.data.toString())).to.deep.equal(keys.map((_, i) => `file ${i}`));
  });

  it('refuses entry names that archiveEntryNames would change, before any request', async () => {
    const entry = { s3Key: objectKey('owner/x'), name: '../x', size: 1 };
    const error = await zipToS3({
      s3: s3.client,
      bucket: s3.bucket,
      entries: [entry],
      targetKey: objectKey('zip/owner/bad.zip'),
    }).catch((e: unknown) => e);
    expect(error).to.be.instanceOf(ZipFailedError);
    expect((error as ZipFailedError).stage).to.equal('input');
  });
});
