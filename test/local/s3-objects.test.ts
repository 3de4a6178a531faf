import { Readable } from 'node:stream';
import {
  CopyObjectCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { expect } from 'chai';
import { BUCKET, type S3Server, startS3Server } from '../../devtools/local-s3';
import type { ObjectCreatedEvent } from '../../local/s3';
import { s3Code } from '../support/s3-code';

/** Keys with every character the issue names, plus non-ASCII and an emoji (a surrogate pair). */
const ODD_KEYS = ['dir/with space.txt', "dir/+%&?#'()*!~:.bin", 'dir/ünïcødé/日本語.txt', 'dir/emoji 😀.txt'];

describe('local S3: objects (S3Client against the embedded server)', () => {
  let fixture: S3Server;
  let s3: S3Client;
  const created: ObjectCreatedEvent[] = [];

  before(async () => {
    fixture = await startS3Server({
      onObjectCreated: (event) => {
        created.push(event);
      },
    });
    s3 = fixture.client;
  });
  after(() => fixture.stop());

  it('round-trips keys with special characters, with type, disposition and metadata', async () => {
    for (const key of ODD_KEYS) {
      await s3.send(
        new PutObjectCommand({
          Bucket: BUCKET,
          Key: key,
          Body: `body of ${key}`,
          ContentType: 'text/plain',
          ContentDisposition: 'inline',
          Metadata: { owner: 'me' },
        }),
      );
      const got = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
      expect(await got.Body?.transformToString()).to.equal(`body of ${key}`);
      expect(got.ContentType).to.equal('text/plain');
      expect(got.ContentDisposition).to.equal('inline');
      expect(got.Metadata).to.deep.equal({ owner: 'me' });
      expect(got.AcceptRanges).to.equal('bytes');
    }
    expect(created.map((event) => event.key)).to.include.members(ODD_KEYS);
  });

  it('takes stream bodies with the SDK default checksums (aws-chunked, CRC32 trailer) and WHEN_REQUIRED', async () => {
    const whenRequired = fixture.newClient({ requestChecksumCalculation: 'WHEN_REQUIRED' });
    const payloadModes: unknown[] = [];
    for (const client of [s3, whenRequired]) {
      client.middlewareStack.add(
        (next) => async (args) => {
          payloadModes.push(
            (args.request as { headers: Record<string, string> }).headers['x-amz-content-sha256'],
          );
          return next(args);
        },
        { step: 'deserialize', name: 'recordPayloadMode' },
      );
    }
    for (const [client, key] of [
      [s3, 'stream/default'],
      [whenRequired, 'stream/when-required'],
    ] as const) {
      const chunks = [Buffer.alloc(70_000, 1), Buffer.alloc(70_000, 2)];
      await client.send(
        new PutObjectCommand({
          Bucket: BUCKET,
          Key: key,
          Body: Readable.from(chunks),
          ContentLength: 140_000,
        }),
      );
      const got = await client.send(
        new GetObjectCommand({ Bucket: BUCKET, Key: key, ChecksumMode: 'ENABLED' }),
      );
      expect(Buffer.from(await (got.Body?.transformToByteArray() ?? []))).to.deep.equal(
        Buffer.concat(chunks),
      );
      expect(got.ChecksumCRC32).to.be.a('string');
    }
    expect(payloadModes).to.include('STREAMING-UNSIGNED-PAYLOAD-TRAILER');
  });

  it('refuses a CRC32 that does not match the body (BadDigest)', async () => {
    const put = new PutObjectCommand({
      Bucket: BUCKET,
      Key: 'bad-crc',
      Body: 'abc',
      ChecksumCRC32: 'AAAAAA==',
    });
    expect(await s3Code(s3.send(put))).to.equal('400 BadDigest');
  });

  it('serves ranges, head and response-* overrides; InvalidRange past the end', async () => {
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'range', Body: '0123456789' }));
    const part = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'range', Range: 'bytes=2-5' }));
    expect(await part.Body?.transformToString()).to.equal('2345');
    expect(part.ContentRange).to.equal('bytes 2-5/10');
    const tail = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'range', Range: 'bytes=-3' }));
    expect(await tail.Body?.transformToString()).to.equal('789');
    const head = await s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'range' }));
    expect(head.ContentLength).to.equal(10);
    const renamed = await s3.send(
      new GetObjectCommand({
        Bucket: BUCKET,
        Key: 'range',
        ResponseContentDisposition: "attachment; filename*=UTF-8''r%C3%A9sum%C3%A9.txt",
        ResponseContentType: 'text/csv',
      }),
    );
    expect(renamed.ContentDisposition).to.equal("attachment; filename*=UTF-8''r%C3%A9sum%C3%A9.txt");
    expect(renamed.ContentType).to.equal('text/csv');
    await renamed.Body?.transformToString();
    const beyond = new GetObjectCommand({ Bucket: BUCKET, Key: 'range', Range: 'bytes=10-' });
    expect(await s3Code(s3.send(beyond))).to.equal('416 InvalidRange');
  });

  it('honours conditional writes and reads', async () => {
    const key = 'conditional';
    const first = await s3.send(
      new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: 'v1', IfNoneMatch: '*' }),
    );
    const again = new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: 'v2', IfNoneMatch: '*' });
    expect(await s3Code(s3.send(again))).to.equal('412 PreconditionFailed');
    const stale = new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: 'v2', IfMatch: '"0000"' });
    expect(await s3Code(s3.send(stale))).to.equal('412 PreconditionFailed');
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: 'v2', IfMatch: first.ETag }));
    const old = new GetObjectCommand({ Bucket: BUCKET, Key: key, IfMatch: first.ETag });
    expect(await s3Code(s3.send(old))).to.equal('412 PreconditionFailed');
    const current = await s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: key }));
    const unchanged = new GetObjectCommand({ Bucket: BUCKET, Key: key, IfNoneMatch: current.ETag });
    expect(await s3Code(s3.send(unchanged))).to.equal('304 Unknown');
  });

  it('deletes one (204 even if absent) and many (Quiet too); a missing key is NoSuchKey', async () => {
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'gone/a', Body: 'a' }));
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'gone/b&c', Body: 'b' }));
    await s3.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: 'gone/a' }));
    const absent = await s3.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: 'never-there' }));
    expect(absent.$metadata.httpStatusCode).to.equal(204);
    const many = await s3.send(
      new DeleteObjectsCommand({
        Bucket: BUCKET,
        Delete: { Objects: [{ Key: 'gone/b&c' }, { Key: 'nope' }] },
      }),
    );
    expect(many.Deleted?.map((d) => d.Key)).to.deep.equal(['gone/b&c', 'nope']);
    const quiet = await s3.send(
      new DeleteObjectsCommand({ Bucket: BUCKET, Delete: { Objects: [{ Key: 'x' }], Quiet: true } }),
    );
    expect(quiet.Deleted ?? []).to.deep.equal([]);
    expect(await s3Code(s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'gone/b&c' })))).to.equal(
      '404 NoSuchKey',
    );
    expect(await s3Code(s3.send(new HeadObjectCommand({ Bucket: 'no-such-bucket', Key: 'k' })))).to.equal(
      '404 NotFound',
    );
  });

  it('copies an object whose key needs encoding, with its metadata', async () => {
    const source = ODD_KEYS[1];
    const copy = await s3.send(
      new CopyObjectCommand({
        Bucket: BUCKET,
        Key: 'copied',
        CopySource: `${BUCKET}/${encodeURIComponent(source)}`,
      }),
    );
    const got = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'copied' }));
    expect(await got.Body?.transformToString()).to.equal(`body of ${source}`);
    expect(got.ETag).to.equal(copy.CopyObjectResult?.ETag);
    expect(got.Metadata).to.deep.equal({ owner: 'me' });
    expect(created.at(-1)).to.include({ key: 'copied', size: `body of ${source}`.length });
  });
});
