import { randomBytes } from 'node:crypto';
import { GetObjectCommand, HeadObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { expect } from 'chai';
import { type ZipEntry, type ZipProgress, zipToS3 } from '../../handlers/lib/zip-stream';
import { startFauxqs, type TestS3 } from '../support/s3-servers';
import { unzip } from '../support/unzip';

// fauxqs: it takes the SDK's streamed multipart bodies and answers AbortMultipartUpload like S3.
describe('zipToS3 on a real S3 server', () => {
  let s3: TestS3;
  const sources = new Map<string, Buffer>();

  async function put(userKey: string, body: Buffer): Promise<ZipEntry> {
    const s3Key = `owner/${userKey}`;
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
    s3 = await startFauxqs();
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
      targetKey: 'zip/owner/job-1.zip',
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
});
