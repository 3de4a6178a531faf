import type { S3Client } from '@aws-sdk/client-s3';
import { expect } from 'chai';
import { copyObject } from '../../../../../handlers/lib/files/copy';
import type { ObjectKey } from '../../../../../handlers/lib/files/keys';

const GiB = 1024 ** 3;
const from = 'eu-west-1:abc/a b.bin' as ObjectKey;
const to = 'eu-west-1:abc/copy.bin' as ObjectKey;

/** An S3 client that records each command's name and input, and fails the commands `fail` names. */
function recordingS3(fail: (name: string, input: Record<string, unknown>) => boolean = () => false) {
  const sent: [string, Record<string, unknown>][] = [];
  const client = {
    send: async (command: { constructor: { name: string }; input: Record<string, unknown> }) => {
      const name = command.constructor.name.replace(/Command$/, '');
      sent.push([name, command.input]);
      if (fail(name, command.input)) throw Object.assign(new Error('boom'), { name: 'InternalError' });
      if (name === 'CreateMultipartUpload') return { UploadId: 'up-1' };
      if (name === 'UploadPartCopy')
        return { CopyPartResult: { ETag: `"part-${command.input.PartNumber}"` } };
      return {};
    },
  };
  return { s3: client as unknown as S3Client, sent };
}

// S3 cannot be asked for a 5 GiB object here: these check the calls a large copy makes (the server side of
// UploadPartCopy is tested on local/s3 in test/local/s3-part-copy.test.ts).
describe('copyObject: one CopyObject up to 5 GiB, a multipart copy above', () => {
  it('copies up to 5 GiB in one CopyObject, If-None-Match only when asked', async () => {
    const { s3, sent } = recordingS3();
    await copyObject(s3, 'bucket', { key: from, size: 5 * GiB, versionId: 'v 1' }, to, { createOnly: true });
    await copyObject(s3, 'bucket', { key: from, size: 1 }, to);
    expect(sent).to.deep.equal([
      [
        'CopyObject',
        {
          Bucket: 'bucket',
          Key: to,
          CopySource: 'bucket/eu-west-1%3Aabc/a%20b.bin?versionId=v%201',
          IfNoneMatch: '*',
        },
      ],
      ['CopyObject', { Bucket: 'bucket', Key: to, CopySource: 'bucket/eu-west-1%3Aabc/a%20b.bin' }],
    ]);
  });

  it('copies above 5 GiB in 512 MiB parts checked against the ETag, completing only if the key is free', async () => {
    const { s3, sent } = recordingS3();
    const size = 6 * GiB + 1;
    await copyObject(s3, 'bucket', { key: from, size, contentType: 'video/mp4', etag: '"e"' }, to, {
      createOnly: true,
    });
    const [create, ...rest] = sent;
    expect(create).to.deep.equal([
      'CreateMultipartUpload',
      { Bucket: 'bucket', Key: to, ContentType: 'video/mp4' },
    ]);
    const parts = rest.filter(([name]) => name === 'UploadPartCopy').map(([, input]) => input);
    expect(parts).to.have.length(13);
    expect(parts[0]).to.include({
      PartNumber: 1,
      CopySourceRange: 'bytes=0-536870911',
      CopySourceIfMatch: '"e"',
    });
    expect(parts[12]).to.include({
      PartNumber: 13,
      CopySourceRange: `bytes=${12 * 512 * 1024 ** 2}-${size - 1}`,
    });
    const complete = rest.at(-1) as [string, Record<string, unknown>];
    expect(complete[0]).to.equal('CompleteMultipartUpload');
    expect(complete[1]).to.deep.include({ UploadId: 'up-1', IfNoneMatch: '*' });
    expect((complete[1].MultipartUpload as { Parts: unknown[] }).Parts).to.have.length(13);
  });

  it('aborts the multipart upload when a part fails, and fails itself', async () => {
    const { s3, sent } = recordingS3((name, input) => name === 'UploadPartCopy' && input.PartNumber === 3);
    let failed: unknown;
    await copyObject(s3, 'bucket', { key: from, size: 6 * GiB }, to).catch((error) => {
      failed = error;
    });
    expect(failed).to.be.instanceOf(Error);
    expect(sent.map(([name]) => name)).to.include('AbortMultipartUpload');
    expect(sent.map(([name]) => name)).not.to.include('CompleteMultipartUpload');
  });
});
