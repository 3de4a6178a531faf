import { createHash, randomBytes } from 'node:crypto';
import { PassThrough } from 'node:stream';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  ListPartsCommand,
  PutObjectCommand,
  type S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { expect } from 'chai';
import { BUCKET, type S3Server, startS3Server } from '../../devtools/local-s3';
import { s3Code } from '../support/s3-code';

const MiB = 1024 ** 2;

describe('local S3: multipart uploads', () => {
  let fixture: S3Server;
  let s3: S3Client;

  before(async () => {
    fixture = await startS3Server();
    s3 = fixture.client;
  });
  after(() => fixture.stop());

  async function create(key: string): Promise<string> {
    const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: BUCKET, Key: key }));
    return UploadId ?? '';
  }

  async function part(key: string, uploadId: string, partNumber: number, body: Buffer) {
    const { ETag } = await s3.send(
      new UploadPartCommand({
        Bucket: BUCKET,
        Key: key,
        UploadId: uploadId,
        PartNumber: partNumber,
        Body: body,
      }),
    );
    return { PartNumber: partNumber, ETag };
  }

  it('takes a ~40 MiB stream through lib-storage in 16 MiB parts, as the zip worker sends it', async function () {
    this.timeout(60_000);
    const body = new PassThrough({ readableObjectMode: true });
    const hash = createHash('md5');
    const size = 40 * MiB + 123;
    const upload = new Upload({
      client: s3,
      params: { Bucket: BUCKET, Key: 'zip/big.zip', Body: body, ContentType: 'application/zip' },
      partSize: 16 * MiB,
      queueSize: 2,
    });
    const done = upload.done();
    for (let sent = 0; sent < size; ) {
      const chunk = randomBytes(Math.min(MiB, size - sent));
      hash.update(chunk);
      sent += chunk.length;
      if (!body.write(chunk)) await new Promise((resolve) => body.once('drain', resolve));
    }
    body.end();
    const { ETag } = await done;
    expect(ETag).to.match(/^"[0-9a-f]{32}-3"$/);
    const got = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'zip/big.zip' }));
    expect(got.ContentLength).to.equal(size);
    expect(got.ContentType).to.equal('application/zip');
    const received = createHash('md5');
    for await (const chunk of got.Body as AsyncIterable<Buffer>) received.update(chunk);
    expect(received.digest('hex')).to.equal(hash.digest('hex'));
  });

  it('computes the AWS multipart ETag and refuses a small non-last part (EntityTooSmall)', async () => {
    const key = 'mp/small parts';
    const uploadId = await create(key);
    const one = Buffer.alloc(MiB, 1);
    const parts = [await part(key, uploadId, 1, one), await part(key, uploadId, 2, one)];
    const complete = (list: typeof parts) =>
      s3.send(
        new CompleteMultipartUploadCommand({
          Bucket: BUCKET,
          Key: key,
          UploadId: uploadId,
          MultipartUpload: { Parts: list },
        }),
      );
    expect(await s3Code(complete(parts))).to.equal('400 EntityTooSmall');
    expect(await s3Code(complete([...parts].reverse()))).to.equal('400 InvalidPartOrder');
    expect(await s3Code(complete([{ PartNumber: 1, ETag: '"00"' }]))).to.equal('400 InvalidPart');

    const big = Buffer.alloc(5 * MiB, 2);
    const first = await part(key, uploadId, 1, big);
    const { ETag } = await complete([first, parts[1]]);
    const md5 = (data: Buffer) => createHash('md5').update(data).digest();
    expect(ETag).to.equal(
      `"${createHash('md5')
        .update(Buffer.concat([md5(big), md5(one)]))
        .digest('hex')}-2"`,
    );
    expect((await s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: key }))).ContentLength).to.equal(
      6 * MiB,
    );
    expect(await s3Code(complete([first, parts[1]]))).to.equal('404 NoSuchUpload');
  });

  it('lists parts page by page, and lists uploads by prefix', async () => {
    const key = 'mp/listed';
    const uploadId = await create(key);
    for (const n of [1, 2, 3]) await part(key, uploadId, n, Buffer.from(`part ${n}`));
    const first = await s3.send(
      new ListPartsCommand({ Bucket: BUCKET, Key: key, UploadId: uploadId, MaxParts: 2 }),
    );
    expect(first.Parts?.map((p) => [p.PartNumber, p.Size])).to.deep.equal([
      [1, 6],
      [2, 6],
    ]);
    expect(first.IsTruncated).to.equal(true);
    const rest = await s3.send(
      new ListPartsCommand({
        Bucket: BUCKET,
        Key: key,
        UploadId: uploadId,
        PartNumberMarker: first.NextPartNumberMarker,
      }),
    );
    expect(rest.Parts?.map((p) => p.PartNumber)).to.deep.equal([3]);
    expect(rest.IsTruncated).to.equal(false);
    const uploads = await s3.send(new ListMultipartUploadsCommand({ Bucket: BUCKET, Prefix: 'mp/list' }));
    expect(uploads.Uploads?.map((u) => [u.Key, u.UploadId])).to.deep.equal([[key, uploadId]]);
  });

  it('aborts: a later UploadPart is NoSuchUpload; an upload id is bound to its key', async () => {
    const key = 'mp/aborted';
    const uploadId = await create(key);
    await part(key, uploadId, 1, Buffer.from('x'));
    expect(await s3Code(part('mp/other key', uploadId, 1, Buffer.from('y')))).to.equal('404 NoSuchUpload');
    expect(
      await s3Code(
        s3.send(new AbortMultipartUploadCommand({ Bucket: BUCKET, Key: 'mp/other key', UploadId: uploadId })),
      ),
    ).to.equal('404 NoSuchUpload');
    await s3.send(new AbortMultipartUploadCommand({ Bucket: BUCKET, Key: key, UploadId: uploadId }));
    expect(await s3Code(part(key, uploadId, 2, Buffer.from('z')))).to.equal('404 NoSuchUpload');
    expect(
      await s3Code(s3.send(new ListPartsCommand({ Bucket: BUCKET, Key: key, UploadId: uploadId }))),
    ).to.equal('404 NoSuchUpload');
  });

  it('refuses to complete over an existing object with If-None-Match: *', async () => {
    const key = 'mp/exists';
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: 'already here' }));
    const uploadId = await create(key);
    const only = await part(key, uploadId, 1, Buffer.from('new'));
    const complete = new CompleteMultipartUploadCommand({
      Bucket: BUCKET,
      Key: key,
      UploadId: uploadId,
      MultipartUpload: { Parts: [only] },
      IfNoneMatch: '*',
    });
    expect(await s3Code(s3.send(complete))).to.equal('412 PreconditionFailed');
  });
});
