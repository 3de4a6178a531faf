import { HeadObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { expect } from 'chai';
import sinon from 'sinon';
import { headObject } from '../../../../../handlers/lib/s3/head';
import { isNotFound } from '../../../../../handlers/lib/s3/s3-errors';
import { objectKey } from '../../../../support/objects';

/** An error as @aws-sdk/client-s3 3.1169 throws it: named after S3's code; HEAD's bodiless 403 is "Unknown". */
function s3Error(code: string | undefined, status: number): Error {
  const error = Object.assign(new Error('Access Denied to lockbox-prod-files/eu-west-1:x/a'), {
    name: code ?? 'Unknown',
    $metadata: { httpStatusCode: status },
  });
  return code === undefined ? error : Object.assign(error, { Code: code });
}

/** What S3 answers that is not "absent", with the status it answers it with. */
const OTHER_ERRORS: ReadonlyArray<[string, number]> = [
  ['KMS.AccessDeniedException', 403],
  ['KMS.DisabledException', 400],
  ['KMSAccessDenied', 403],
  ['SignatureDoesNotMatch', 403],
  ['InvalidAccessKeyId', 403],
  ['ExpiredToken', 400],
  ['AllAccessDisabled', 403],
  ['AccountProblem', 403],
  ['NoSuchBucket', 404],
  ['InternalError', 500],
];

describe('S3 "absent" mapping', () => {
  it('reads only a 404 (NotFound, NoSuchKey) as absent, never a 403 AccessDenied', () => {
    expect(isNotFound(s3Error('NotFound', 404))).to.equal(true);
    expect(isNotFound(s3Error('NoSuchKey', 404))).to.equal(true);
    expect(isNotFound(s3Error('AccessDenied', 403))).to.equal(false);
    expect(isNotFound(s3Error('NoSuchKey', 403))).to.equal(false);
  });

  it('reads no other code, and no bare status, as absent', () => {
    for (const [code, status] of OTHER_ERRORS)
      expect(isNotFound(s3Error(code, status)), code).to.equal(false);
    expect(isNotFound(s3Error(undefined, 403)), 'HEAD 403').to.equal(false);
    expect(isNotFound(s3Error(undefined, 404)), 'unnamed 404').to.equal(false);
    expect(isNotFound(new TypeError('x'))).to.equal(false);
    expect(isNotFound(undefined)).to.equal(false);
  });

  describe('headObject', () => {
    const key = objectKey('eu-west-1:00000000-0000-4000-8000-000000000000/a.txt');
    let s3: S3Client;
    let send: sinon.SinonStub;

    beforeEach(() => {
      s3 = new S3Client({ region: 'eu-west-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } });
      send = sinon.stub(s3, 'send');
    });
    afterEach(() => sinon.restore());

    const commands = () => send.getCalls().map((call) => call.args[0].constructor.name);

    it('answers undefined on a 404 with one request', async () => {
      send.rejects(s3Error('NotFound', 404));
      expect(await headObject(s3, 'bucket', key)).to.equal(undefined);
      expect(commands()).to.deep.equal(['HeadObjectCommand']);
    });

    it("after HEAD's bodiless 403, lists the key and answers undefined when the listing lacks it", async () => {
      send.withArgs(sinon.match.instanceOf(HeadObjectCommand)).rejects(s3Error(undefined, 403));
      // A longer key that starts with this one is no proof that this one exists.
      send
        .withArgs(sinon.match.instanceOf(ListObjectsV2Command))
        .resolves({ Contents: [{ Key: `${key}.bak` }] });
      expect(await headObject(s3, 'bucket', key)).to.equal(undefined);
      expect(commands()).to.deep.equal(['HeadObjectCommand', 'ListObjectsV2Command']);
      expect(send.secondCall.args[0].input).to.deep.equal({ Bucket: 'bucket', Prefix: key, MaxKeys: 1 });
    });

    it('throws the 403 when the listing shows the key: a refusal, not a missing key', async () => {
      for (const forbidden of [s3Error(undefined, 403), s3Error('AccessDenied', 403)]) {
        send.resetBehavior();
        send.withArgs(sinon.match.instanceOf(HeadObjectCommand)).rejects(forbidden);
        send.withArgs(sinon.match.instanceOf(ListObjectsV2Command)).resolves({ Contents: [{ Key: key }] });
        expect(await headObject(s3, 'bucket', key).catch((e: unknown) => e)).to.equal(forbidden);
      }
    });

    it("after HEAD's bodiless 403, throws any error the listing gets", async () => {
      for (const [code, status] of [['AccessDenied', 403] as const, ...OTHER_ERRORS]) {
        send.withArgs(sinon.match.instanceOf(HeadObjectCommand)).rejects(s3Error(undefined, 403));
        const other = s3Error(code, status);
        send.withArgs(sinon.match.instanceOf(ListObjectsV2Command)).rejects(other);
        expect(await headObject(s3, 'bucket', key).catch((e: unknown) => e), code).to.equal(other);
      }
    });

    it('throws any other HEAD error at once', async () => {
      for (const [code, status] of [
        ['InternalError', 500],
        ['NoSuchBucket', 404],
      ] as const) {
        send.resetHistory();
        const other = s3Error(code, status);
        send.rejects(other);
        expect(await headObject(s3, 'bucket', key).catch((e: unknown) => e)).to.equal(other);
        expect(commands()).to.deep.equal(['HeadObjectCommand']);
      }
    });
  });
});
