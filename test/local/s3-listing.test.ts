import { ListObjectsV2Command, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { expect } from 'chai';
import { BUCKET, type S3Server, startS3Server } from '../../devtools/local-s3';

/** Sorted as S3 sorts: by UTF-8 bytes (U+FF5E sorts before U+1F600, unlike JavaScript's string order). */
const KEYS = [
  'a/1.txt',
  'a/2 two.txt',
  "a/b/+%&?#'()*!~:.txt",
  'a/b/c.txt',
  'a/c/d.txt',
  'a/ünï.txt',
  'a/～.txt',
  'a/😀.txt',
  'z.txt',
];

describe('local S3: ListObjectsV2', () => {
  let fixture: S3Server;
  let s3: S3Client;

  before(async () => {
    fixture = await startS3Server();
    s3 = fixture.client;
    for (const key of [...KEYS].reverse())
      await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: key }));
  });
  after(() => fixture.stop());

  async function pages(input: {
    Prefix?: string;
    Delimiter?: string;
    MaxKeys?: number;
    StartAfter?: string;
  }) {
    const names: string[] = [];
    let token: string | undefined;
    let requests = 0;
    do {
      const page = await s3.send(
        new ListObjectsV2Command({ Bucket: BUCKET, ...input, ContinuationToken: token }),
      );
      requests++;
      expect(page.KeyCount).to.equal((page.Contents?.length ?? 0) + (page.CommonPrefixes?.length ?? 0));
      names.push(
        ...(page.Contents ?? []).map((o) => o.Key ?? ''),
        ...(page.CommonPrefixes ?? []).map((p) => `[${p.Prefix}]`),
      );
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return { names, requests };
  }

  it('lists every key in UTF-8 byte order, paged by continuation token', async () => {
    const all = await pages({ MaxKeys: 2 });
    expect(all.names).to.deep.equal(KEYS);
    expect(all.requests).to.equal(5);
  });

  it('rolls keys up into CommonPrefixes at the delimiter, across pages', async () => {
    expect((await pages({ Delimiter: '/' })).names).to.deep.equal(['z.txt', '[a/]']);
    const level = await pages({ Prefix: 'a/', Delimiter: '/', MaxKeys: 1 });
    expect(level.names).to.deep.equal([
      'a/1.txt',
      'a/2 two.txt',
      '[a/b/]',
      '[a/c/]',
      'a/ünï.txt',
      'a/～.txt',
      'a/😀.txt',
    ]);
    expect((await pages({ Prefix: "a/b/+%&?#'" })).names).to.deep.equal([KEYS[2]]);
  });

  it('starts after a key and URL-encodes names with encoding-type=url', async () => {
    expect((await pages({ Prefix: 'a/', StartAfter: 'a/c/d.txt' })).names).to.deep.equal(KEYS.slice(5, 8));
    const encoded = await s3.send(
      new ListObjectsV2Command({ Bucket: BUCKET, Prefix: 'a/2', EncodingType: 'url' }),
    );
    expect(encoded.Contents?.map((o) => o.Key)).to.deep.equal(['a/2+two.txt']);
  });
});
