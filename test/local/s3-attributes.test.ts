import { randomBytes } from 'node:crypto';
import { crc32 } from 'node:zlib';
import {
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  GetObjectAttributesCommand,
  HeadObjectCommand,
  PutObjectCommand,
  type S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { expect } from 'chai';
import { BUCKET, type S3Server, startS3Server } from '../../devtools/local-s3';
import { crc32Base64 } from '../../handlers/lib/s3/crc32';
import { s3Code } from '../support/s3-code';

const MiB = 1024 ** 2;

describe('local S3: COMPOSITE multipart checksums and GetObjectAttributes', () => {
  let fixture: S3Server;
  let s3: S3Client;
  const parts = [randomBytes(5 * MiB), randomBytes(5 * MiB), randomBytes(1234)];

  before(async () => {
    fixture = await startS3Server();
    s3 = fixture.client;
  });
  after(() => fixture.stop());

  async function multipart(key: string, type?: 'FULL_OBJECT'): Promise<void> {
    const { UploadId } = await s3.send(
      new CreateMultipartUploadCommand({
        Bucket: BUCKET,
        Key: key,
        ChecksumAlgorithm: 'CRC32',
        ChecksumType: type,
      }),
    );
    const done = [];
    for (const [index, body] of parts.entries()) {
      const PartNumber = index + 1;
      const sent = await s3.send(
        new UploadPartCommand({
          Bucket: BUCKET,
          Key: key,
          UploadId,
          PartNumber,
          Body: body,
          ChecksumAlgorithm: 'CRC32',
        }),
      );
      done.push({ PartNumber, ETag: sent.ETag, ChecksumCRC32: sent.ChecksumCRC32 });
    }
    await s3.send(
      new CompleteMultipartUploadCommand({
        Bucket: BUCKET,
        Key: key,
        UploadId,
        MultipartUpload: { Parts: done },
      }),
    );
  }

  it('keeps, as S3 does, the CRC32 of the parts’ CRC32s with -<parts> when no FULL_OBJECT type was asked', async () => {
    await multipart('composite');
    const head = await s3.send(
      new HeadObjectCommand({ Bucket: BUCKET, Key: 'composite', ChecksumMode: 'ENABLED' }),
    );
    const partCrcs = Buffer.concat(parts.map((part) => Buffer.from(crc32Base64(crc32(part)), 'base64')));
    expect(head.ChecksumCRC32).to.equal(`${crc32Base64(crc32(partCrcs))}-3`);
    expect(head.ChecksumType).to.equal('COMPOSITE');
  });

  it('lists each part’s size and CRC32, a page at a time', async () => {
    const first = await s3.send(
      new GetObjectAttributesCommand({
        Bucket: BUCKET,
        Key: 'composite',
        ObjectAttributes: ['ETag', 'ObjectParts', 'ObjectSize', 'Checksum'],
        MaxParts: 2,
      }),
    );
    expect(first.ObjectSize).to.equal(10 * MiB + 1234);
    expect(first.ETag).to.match(/^[0-9a-f]{32}-3$/);
    expect(first.Checksum?.ChecksumType).to.equal('COMPOSITE');
    expect(first.ObjectParts).to.include({
      TotalPartsCount: 3,
      IsTruncated: true,
      NextPartNumberMarker: '2',
    });
    const rest = await s3.send(
      new GetObjectAttributesCommand({
        Bucket: BUCKET,
        Key: 'composite',
        ObjectAttributes: ['ObjectParts'],
        MaxParts: 2,
        PartNumberMarker: '2',
      }),
    );
    expect(rest.ObjectParts?.IsTruncated).to.equal(false);
    const listed = [...(first.ObjectParts?.Parts ?? []), ...(rest.ObjectParts?.Parts ?? [])];
    expect(
      listed.map(({ PartNumber, Size, ChecksumCRC32 }) => ({ PartNumber, Size, ChecksumCRC32 })),
    ).to.deep.equal(
      parts.map((part, index) => ({
        PartNumber: index + 1,
        Size: part.length,
        ChecksumCRC32: crc32Base64(crc32(part)),
      })),
    );
  });

  it('keeps the whole object’s CRC32 for a FULL_OBJECT upload and a PUT, which list no parts', async () => {
    await multipart('full', 'FULL_OBJECT');
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'put', Body: parts[2] }));
    const full = await s3.send(
      new HeadObjectCommand({ Bucket: BUCKET, Key: 'full', ChecksumMode: 'ENABLED' }),
    );
    expect(full.ChecksumCRC32).to.equal(crc32Base64(crc32(Buffer.concat(parts))));
    expect(full.ChecksumType).to.equal('FULL_OBJECT');
    for (const key of ['full', 'put']) {
      const attributes = await s3.send(
        new GetObjectAttributesCommand({
          Bucket: BUCKET,
          Key: key,
          ObjectAttributes: ['ObjectParts', 'ObjectSize'],
        }),
      );
      expect(attributes.ObjectParts, key).to.equal(undefined);
    }
  });

  it('refuses unknown attributes and answers NoSuchKey for a missing object', async () => {
    const attributes = (names: string[], Key = 'put') =>
      s3.send(new GetObjectAttributesCommand({ Bucket: BUCKET, Key, ObjectAttributes: names as ['ETag'] }));
    expect(await s3Code(attributes(['Colour']))).to.equal('400 InvalidArgument');
    expect(await s3Code(attributes(['ETag'], 'missing'))).to.equal('404 NoSuchKey');
  });
});
