import { createHash } from 'node:crypto';
import {
  CreateMultipartUploadCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  type S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { SignatureV4 } from '@smithy/signature-v4';
import { expect } from 'chai';
import { BUCKET, CREDENTIALS, REGION, type S3Server, startS3Server } from '../../devtools/local-s3';
import { NodeSha256 } from '../../local/sigv4/sha256';
import { s3Code } from '../support/s3-code';

const sha256 = (data: string) => createHash('sha256').update(data).digest('hex');

/**
 * What local/s3 reads out of request bodies: the XML documents of DeleteObjects, CompleteMultipartUpload
 * and PutBucketVersioning (read with fast-xml-parser), and CRC32C checksums (the SDK computes its own,
 * so an upload that passes proves the server's agrees).
 */
describe('local S3: XML request bodies and CRC32C', () => {
  let fixture: S3Server;
  let s3: S3Client;

  before(async () => {
    fixture = await startS3Server({ versionedBuckets: [] });
    s3 = fixture.client;
  });
  after(() => fixture.stop());

  /** Sends `body` as a SigV4-signed request (the SDK's signer), as a client that writes its own XML. */
  async function send(method: string, pathAndQuery: string, body: string) {
    const url = new URL(`${fixture.endpoint}/${BUCKET}${pathAndQuery}`);
    const signer = new SignatureV4({
      service: 's3',
      region: REGION,
      credentials: CREDENTIALS,
      sha256: NodeSha256,
      uriEscapePath: false,
    });
    const signed = await signer.sign({
      method,
      protocol: 'http:',
      hostname: url.hostname,
      port: Number(url.port),
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers: { host: url.host, 'x-amz-content-sha256': sha256(body) },
      body,
    });
    const response = await fetch(url, { method, headers: signed.headers as Record<string, string>, body });
    const text = await response.text();
    return { status: response.status, code: /<Code>([^<]+)<\/Code>/.exec(text)?.[1], text };
  }

  const put = (key: string) => s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: 'x' }));
  const keys = async (prefix: string) =>
    ((await s3.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: prefix }))).Contents ?? []).map(
      (object) => object.Key,
    );

  it('deletes keys with line breaks, markup characters and spaces exactly as the SDK sends them', async () => {
    const odd = ['del/a\r\nb', 'del/ spaced ', `del/x&<>"'y`, 'del/日本 😀', 'del/a'];
    for (const key of odd) await put(key);
    const result = await s3.send(
      new DeleteObjectsCommand({
        Bucket: BUCKET,
        Delete: { Objects: odd.slice(0, 4).map((Key) => ({ Key })) },
      }),
    );
    expect(result.Deleted?.map((deleted) => deleted.Key)).to.have.members(odd.slice(0, 4));
    expect(await keys('del/')).to.deep.equal(['del/a']);
  });

  it('reads a hand-written DeleteObjects body: declaration, namespace, indentation, entities, CDATA, Quiet', async () => {
    for (const key of ['raw/a&b', 'raw/<c>', 'raw/d', 'raw/keep']) await put(key);
    const body = `<?xml version="1.0" encoding="UTF-8"?>
<Delete xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
  <Quiet>true</Quiet>
  <Object>
    <Key>raw/a&amp;b</Key>
  </Object>
  <Object><Key><![CDATA[raw/<c>]]></Key></Object>
  <Object><Key>raw/&#x64;</Key><VersionId>null</VersionId></Object>
</Delete>`;
    const answer = await send('POST', '/?delete', body);
    expect(answer.status).to.equal(200);
    expect(answer.text).not.to.include('<Deleted>');
    expect(await keys('raw/')).to.deep.equal(['raw/keep']);
  });

  it('answers MalformedXML for a body that is not a well-formed document of the right shape', async () => {
    await put('bad/x');
    const bodies = [
      '',
      'not xml',
      '<Delete><Object><Key>bad/x</Key></Object>',
      '<Delete><Object><Key>bad/x</Key></Object><junk</Delete>',
      '<Delete><Object><Key>bad/x</Key></Object></Delete><Delete/>',
      '<Remove><Object><Key>bad/x</Key></Object></Remove>',
      '<Delete></Delete>',
      '<Delete><Object><VersionId>null</VersionId></Object></Delete>',
      '<Delete><Object><Key>bad/x</Key><Extra><Nested/></Extra></Object></Delete>',
      '<Delete><Object><Key>bad/x</Key>loose text</Object></Delete>',
      '<Delete><Object><Key>bad/x</Key><__proto__>p</__proto__></Object></Delete>',
    ];
    for (const body of bodies) {
      const answer = await send('POST', '/?delete', body);
      expect(`${answer.status} ${answer.code}`, body).to.equal('400 MalformedXML');
    }
    expect(await keys('bad/')).to.deep.equal(['bad/x']);
  });

  it('reads CompleteMultipartUpload and PutBucketVersioning bodies, and refuses malformed ones', async () => {
    const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: BUCKET, Key: 'mp/one' }));
    const { ETag } = await s3.send(
      new UploadPartCommand({ Bucket: BUCKET, Key: 'mp/one', UploadId, PartNumber: 1, Body: 'part' }),
    );
    const query = `/mp/one?uploadId=${UploadId}`;
    const malformed = await send('POST', query, '<CompleteMultipartUpload><Part><PartNumber>1</PartNumber>');
    expect(`${malformed.status} ${malformed.code}`).to.equal('400 MalformedXML');
    const noEtag =
      '<CompleteMultipartUpload><Part><PartNumber>1</PartNumber></Part></CompleteMultipartUpload>';
    expect((await send('POST', query, noEtag)).code).to.equal('MalformedXML');
    const quoted = (ETag ?? '').replace(/"/g, '&quot;');
    const complete = await send(
      'POST',
      query,
      `<CompleteMultipartUpload>\n <Part>\n  <PartNumber>1</PartNumber>\n  <ETag>${quoted}</ETag>\n </Part>\n</CompleteMultipartUpload>`,
    );
    expect(complete.status, complete.text).to.equal(200);
    const got = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'mp/one' }));
    expect(await got.Body?.transformToString()).to.equal('part');

    const versioning = (status: string, extra = '') =>
      send(
        'PUT',
        '/?versioning',
        `<VersioningConfiguration><Status>${status}</Status>${extra}</VersioningConfiguration>`,
      );
    expect((await versioning('On')).code).to.equal('MalformedXML');
    expect((await versioning('Enabled', '<MfaDelete>Disabled</MfaDelete>')).code).to.equal('NotImplemented');
    expect((await versioning('Enabled')).status).to.equal(200);
    expect((await versioning('Suspended')).status).to.equal(200);
  });

  it('checks CRC32C checksums: the SDK’s value passes, a wrong one is BadDigest, the value reads back', async () => {
    // CRC32C("123456789") is 0xE3069283, the check value of the Castagnoli polynomial.
    const put = await s3.send(
      new PutObjectCommand({ Bucket: BUCKET, Key: 'crc/c', Body: '123456789', ChecksumAlgorithm: 'CRC32C' }),
    );
    expect(put.ChecksumCRC32C).to.equal(Buffer.from('e3069283', 'hex').toString('base64'));
    const got = await s3.send(
      new GetObjectCommand({ Bucket: BUCKET, Key: 'crc/c', ChecksumMode: 'ENABLED' }),
    );
    expect(got.ChecksumCRC32C).to.equal(put.ChecksumCRC32C);
    const wrong = s3.send(
      new PutObjectCommand({
        Bucket: BUCKET,
        Key: 'crc/wrong',
        Body: '123456789',
        ChecksumCRC32C: 'AAAAAA==',
      }),
    );
    expect(await s3Code(wrong)).to.equal('400 BadDigest');
    const large = Buffer.alloc(3 * 1024 ** 2, 7);
    await s3.send(
      new PutObjectCommand({ Bucket: BUCKET, Key: 'crc/large', Body: large, ChecksumAlgorithm: 'CRC32C' }),
    );
  });
});
