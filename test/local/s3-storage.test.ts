import { readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { expect } from 'chai';
import { BUCKET, startS3Server } from '../../devtools/local-s3';

describe('local S3: storage on disk', () => {
  it('keeps objects and uploads in progress across a restart, and drops leftovers of a crash', async () => {
    const fixture = await startS3Server();
    try {
      let s3 = fixture.client;
      await s3.send(
        new PutObjectCommand({ Bucket: BUCKET, Key: 'kept/ü.txt', Body: 'kept', ContentType: 'text/plain' }),
      );
      const { UploadId } = await s3.send(
        new CreateMultipartUploadCommand({ Bucket: BUCKET, Key: 'kept/mp' }),
      );
      const { ETag } = await s3.send(
        new UploadPartCommand({ Bucket: BUCKET, Key: 'kept/mp', UploadId, PartNumber: 1, Body: 'part' }),
      );
      const objects = join(fixture.dataDir, 'buckets', BUCKET, 'objects');
      // What a crash leaves: a data file no sidecar names, a file half received.
      await writeFile(join(objects, 'blobs', 'orphan'), 'x');
      await writeFile(join(fixture.dataDir, 'tmp', 'half'), 'x');

      await fixture.restart();
      s3 = fixture.client;
      const got = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'kept/ü.txt' }));
      expect(await got.Body?.transformToString()).to.equal('kept');
      expect(got.ContentType).to.equal('text/plain');
      await s3.send(
        new CompleteMultipartUploadCommand({
          Bucket: BUCKET,
          Key: 'kept/mp',
          UploadId,
          MultipartUpload: { Parts: [{ PartNumber: 1, ETag }] },
        }),
      );
      const listed = await s3.send(new ListObjectsV2Command({ Bucket: BUCKET }));
      expect(listed.Contents?.map((o) => o.Key)).to.deep.equal(['kept/mp', 'kept/ü.txt']);
      expect(await readdir(join(objects, 'blobs'))).to.have.length(2);
      expect(await readdir(join(fixture.dataDir, 'tmp'))).to.deep.equal([]);
    } finally {
      await fixture.stop();
    }
  });
});
