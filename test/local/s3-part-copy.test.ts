import { createHash, randomBytes } from 'node:crypto';
import { crc32 } from 'node:zlib';
import {
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  type S3Client,
  UploadPartCommand,
  UploadPartCopyCommand,
} from '@aws-sdk/client-s3';
import { expect } from 'chai';
import { BUCKET, type S3Server, startS3Server } from '../../devtools/local-s3';
import { crc32Base64 } from '../../handlers/lib/s3/crc32';
import { s3Code } from '../support/s3-code';

const MiB = 1024 ** 2;

describe('local S3: UploadPartCopy', () => {
  let fixture: S3Server;
  let s3: S3Client;
  const source = randomBytes(6 * MiB + 17);
  let sourceETag: string;

  before(async () => {
    fixture = await startS3Server();
    s3 = fixture.client;
    ({ ETag: sourceETag = '' } = await s3.send(
      new PutObjectCommand({ Bucket: BUCKET, Key: 'src/big', Body: source }),
    ));
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'src/small', Body: Buffer.from('tiny') }));
  });
  after(() => fixture.stop());

  const create = async (key: string, checksum = false) =>
    (
      await s3.send(
        new CreateMultipartUploadCommand({
          Bucket: BUCKET,
          Key: key,
          ...(checksum ? { ChecksumAlgorithm: 'CRC32', ChecksumType: 'FULL_OBJECT' } : {}),
        }),
      )
    ).UploadId ?? '';
  const copy = (
    key: string,
    uploadId: string,
    partNumber: number,
    range?: string,
    ifMatch?: string,
    from = 'src/big',
  ) =>
    s3.send(
      new UploadPartCopyCommand({
        Bucket: BUCKET,
        Key: key,
        UploadId: uploadId,
        PartNumber: partNumber,
        CopySource: `${BUCKET}/${from}`,
        CopySourceRange: range,
        CopySourceIfMatch: ifMatch,
      }),
    );

  it('mixes uploaded parts and ranged copies into one object, byte for byte, with its full CRC32', async () => {
    const key = 'zip/mixed';
    const uploadId = await create(key, true);
    const head = randomBytes(5 * MiB);
    const part1 = await s3.send(
      new UploadPartCommand({ Bucket: BUCKET, Key: key, UploadId: uploadId, PartNumber: 1, Body: head }),
    );
    const part2 = await copy(key, uploadId, 2, `bytes=100-${5 * MiB + 99}`, sourceETag);
    const part3 = await copy(key, uploadId, 3, `bytes=${6 * MiB}-${6 * MiB + 16}`);
    const range2 = source.subarray(100, 5 * MiB + 100);
    expect(part2.CopyPartResult?.ETag).to.equal(`"${createHash('md5').update(range2).digest('hex')}"`);
    expect(part2.CopyPartResult?.ChecksumCRC32).to.equal(crc32Base64(crc32(range2)));
    await s3.send(
      new CompleteMultipartUploadCommand({
        Bucket: BUCKET,
        Key: key,
        UploadId: uploadId,
        MultipartUpload: {
          Parts: [
            { PartNumber: 1, ETag: part1.ETag },
            { PartNumber: 2, ETag: part2.CopyPartResult?.ETag },
            { PartNumber: 3, ETag: part3.CopyPartResult?.ETag },
          ],
        },
      }),
    );
    const got = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
    const bytes = Buffer.from(await (got.Body?.transformToByteArray() ?? []));
    const expected = Buffer.concat([head, range2, source.subarray(6 * MiB, 6 * MiB + 17)]);
    expect(bytes.equals(expected)).to.equal(true);
    // Combined from the three parts' CRCs, never read from the joined bytes.
    const checked = await s3.send(
      new HeadObjectCommand({ Bucket: BUCKET, Key: key, ChecksumMode: 'ENABLED' }),
    );
    expect(checked.ChecksumCRC32).to.equal(crc32Base64(crc32(expected)));
  });

  it('copies a whole small source without a range, but refuses a range of a source of 5 MB or less', async () => {
    const uploadId = await create('zip/small');
    const whole = await copy('zip/small', uploadId, 1, undefined, undefined, 'src/small');
    expect(whole.CopyPartResult?.ETag).to.equal(`"${createHash('md5').update('tiny').digest('hex')}"`);
    expect(await s3Code(copy('zip/small', uploadId, 2, 'bytes=0-1', undefined, 'src/small'))).to.equal(
      '400 InvalidRequest',
    );
  });

  it('refuses a range outside the source, a changed source (If-Match) and a missing one', async () => {
    const uploadId = await create('zip/refused');
    expect(await s3Code(copy('zip/refused', uploadId, 1, `bytes=0-${source.length}`))).to.equal(
      '400 InvalidArgument',
    );
    expect(
      await s3Code(copy('zip/refused', uploadId, 1, 'bytes=0-9', '"0123456789abcdef0123456789abcdef"')),
    ).to.equal('412 PreconditionFailed');
    expect(await s3Code(copy('zip/refused', uploadId, 1, 'bytes=0-9', undefined, 'src/gone'))).to.equal(
      '404 NoSuchKey',
    );
    expect(await s3Code(copy('zip/refused', 'A'.repeat(32), 1, 'bytes=0-9'))).to.equal('404 NoSuchUpload');
  });
});
