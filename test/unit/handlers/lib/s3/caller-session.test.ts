import type { STSClient } from '@aws-sdk/client-sts';
import { expect } from 'chai';
import { SESSION_SECONDS } from '../../../../../contract/session-seconds';
import { identityIdOf } from '../../../../../handlers/lib/files/keys';
import { PRESIGNED_URL_SECONDS } from '../../../../../handlers/lib/files/presign-get';
import {
  callerSessions,
  folderPolicy,
  REFRESH_MARGIN_SECONDS,
  scopedSessions,
  sessionName,
  withBucketKey,
} from '../../../../../handlers/lib/s3/caller-session';
import { zipJobPolicy, zipJobScope } from '../../../../../handlers/lib/zip/jobs/session';

const ID = identityIdOf('eu-west-1:0f8e5c1a-8d1b-4a53-9f0c-2b7f2f3a9e11');

/** An STS stand-in that records each AssumeRole's input and answers a session of SESSION_SECONDS. */
function fakeSts(now: () => number, fail = () => false) {
  const inputs: Record<string, unknown>[] = [];
  const sts = {
    send: async (command: { input: Record<string, unknown> }) => {
      inputs.push(command.input);
      if (fail()) throw new Error('STS down');
      return {
        Credentials: {
          AccessKeyId: `ASIA${inputs.length}`,
          SecretAccessKey: 's',
          SessionToken: 't',
          Expiration: new Date(now() + SESSION_SECONDS * 1000),
        },
      };
    },
  } as unknown as STSClient;
  return { sts, inputs };
}

describe('caller sessions', () => {
  it("name only the caller's folder, zip area and upload plans, for objects and for listing", () => {
    expect(JSON.parse(folderPolicy('bucket', ID))).to.deep.equal({
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Action: [
            's3:GetObject',
            's3:GetObjectVersion',
            's3:PutObject',
            's3:DeleteObject',
            's3:DeleteObjectVersion',
            's3:AbortMultipartUpload',
            's3:ListMultipartUploadParts',
          ],
          Resource: [
            `arn:aws:s3:::bucket/${ID}/*`,
            `arn:aws:s3:::bucket/zip/${ID}/*`,
            `arn:aws:s3:::bucket/uploads/${ID}/*`,
          ],
        },
        {
          Effect: 'Allow',
          Action: ['s3:ListBucket', 's3:ListBucketVersions'],
          Resource: 'arn:aws:s3:::bucket',
          Condition: { StringLike: { 's3:prefix': [`${ID}/*`, `zip/${ID}/*`, `uploads/${ID}/*`] } },
        },
      ],
    });
    expect(sessionName(ID)).to.match(/^[\w+=,.@-]{2,64}$/);
    // STS refuses a session policy over 2,048 characters; a 63-character bucket name leaves room.
    expect(folderPolicy('b'.repeat(63), ID).length).to.be.below(2048);
  });

  it('refresh with a margin longer than any presigned URL lives', () => {
    expect(REFRESH_MARGIN_SECONDS).to.be.greaterThan(PRESIGNED_URL_SECONDS);
    expect(REFRESH_MARGIN_SECONDS).to.be.lessThan(SESSION_SECONDS);
  });

  it('assume the role once per identity, again only near the expiry, never caching a failure', async () => {
    let clock = 1_000_000;
    let failing = false;
    const { sts, inputs } = fakeSts(
      () => clock,
      () => failing,
    );
    const credentialsFor = callerSessions({ sts, roleArn: 'arn:role', bucket: 'b', now: () => clock });
    const first = await credentialsFor(ID);
    expect(await credentialsFor(ID)).to.equal(first);
    expect(inputs).to.have.length(1);
    expect(inputs[0]).to.deep.include({ RoleArn: 'arn:role', DurationSeconds: SESSION_SECONDS });
    expect(inputs[0]?.Policy).to.equal(folderPolicy('b', ID));

    clock += (SESSION_SECONDS - REFRESH_MARGIN_SECONDS - 1) * 1000;
    expect(await credentialsFor(ID)).to.equal(first);
    clock += 2000;
    const second = await credentialsFor(ID);
    expect(second.accessKeyId).to.equal('ASIA2');

    const other = identityIdOf('eu-west-1:00000000-0000-4000-8000-000000000002');
    const third = identityIdOf('eu-west-1:00000000-0000-4000-8000-000000000003');
    await Promise.all([credentialsFor(other), credentialsFor(other)]);
    expect(inputs).to.have.length(3);

    failing = true;
    let error: unknown;
    await credentialsFor(third).catch((e) => {
      error = e;
    });
    expect(error).to.be.instanceOf(Error);
    failing = false;
    expect((await credentialsFor(third)).accessKeyId).to.equal('ASIA5');
  });

  it("of a zip job name only the owner's folder (to read), zip area (records) and the job's archive", () => {
    const job = { identityId: ID, jobId: '6f1c2d3e-4a5b-4c6d-8e7f-8091a2b3c4d5' };
    expect(JSON.parse(zipJobPolicy('bucket', job))).to.deep.equal({
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Action: ['s3:GetObject', 's3:GetObjectAttributes'],
          Resource: `arn:aws:s3:::bucket/${ID}/*`,
        },
        {
          Effect: 'Allow',
          Action: ['s3:GetObject', 's3:PutObject'],
          Resource: `arn:aws:s3:::bucket/zip/${ID}/*`,
        },
        {
          Effect: 'Allow',
          Action: ['s3:AbortMultipartUpload'],
          Resource: `arn:aws:s3:::bucket/zip/${ID}/${job.jobId}/archive.zip`,
        },
        {
          Effect: 'Allow',
          Action: ['s3:ListBucket'],
          Resource: 'arn:aws:s3:::bucket',
          Condition: { StringLike: { 's3:prefix': [`${ID}/*`, `zip/${ID}/*`] } },
        },
      ],
    });
    expect(() => zipJobPolicy('bucket', { identityId: ID, jobId: '../other' })).to.throw();
  });

  it("of zip jobs: one per job, named after the owner, cached like the callers'", async () => {
    const { sts, inputs } = fakeSts(() => 0);
    const credentialsFor = scopedSessions({ sts, roleArn: 'arn:worker-caller', now: () => 0 });
    const job = { identityId: ID, jobId: '6f1c2d3e-4a5b-4c6d-8e7f-8091a2b3c4d5' };
    const other = { ...job, jobId: '7f1c2d3e-4a5b-4c6d-8e7f-8091a2b3c4d5' };
    const first = await credentialsFor(zipJobScope('b', job));
    expect(await credentialsFor(zipJobScope('b', job))).to.equal(first);
    expect((await credentialsFor(zipJobScope('b', other))).accessKeyId).to.not.equal(first.accessKeyId);
    expect(inputs.map((input) => input.Policy)).to.deep.equal([
      zipJobPolicy('b', job),
      zipJobPolicy('b', other),
    ]);
    expect(inputs.map((input) => input.RoleSessionName)).to.deep.equal([sessionName(ID), sessionName(ID)]);
  });

  describe('with the bucket encrypted under a customer-managed key', () => {
    const KEY = 'arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab';
    const job = { identityId: ID, jobId: '6f1c2d3e-4a5b-4c6d-8e7f-8091a2b3c4d5' };

    it('allow the key only as S3 in its region uses it, after the folder statements', () => {
      const policy = JSON.parse(withBucketKey(folderPolicy('bucket', ID), KEY));
      expect(policy.Statement.slice(0, -1)).to.deep.equal(JSON.parse(folderPolicy('bucket', ID)).Statement);
      expect(policy.Statement.at(-1)).to.deep.equal({
        Effect: 'Allow',
        Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
        Resource: KEY,
        Condition: { StringEquals: { 'kms:ViaService': 's3.eu-west-1.amazonaws.com' } },
      });
      expect(withBucketKey(folderPolicy('bucket', ID), undefined)).to.equal(folderPolicy('bucket', ID));
    });

    it("stay within STS's 2,048 characters with the longest bucket name and a long region", () => {
      const longId = identityIdOf(`ap-southeast-5:${ID.split(':')[1]}`);
      const longKey = KEY.replace('eu-west-1', 'ap-southeast-5');
      const bucket = 'b'.repeat(63);
      // 1,268 and 1,248 characters today (1,026 and 1,006 without the key's statement).
      expect(withBucketKey(folderPolicy(bucket, longId), longKey).length).to.be.below(2048);
      expect(withBucketKey(zipJobPolicy(bucket, { ...job, identityId: longId }), longKey).length).to.be.below(
        2048,
      );
    });

    it("are assumed with the key's statement, for callers and for zip jobs", async () => {
      const { sts, inputs } = fakeSts(() => 0);
      await callerSessions({ sts, roleArn: 'arn:role', bucket: 'b', bucketKeyArn: KEY, now: () => 0 })(ID);
      await scopedSessions({ sts, roleArn: 'arn:worker-caller', bucketKeyArn: KEY, now: () => 0 })(
        zipJobScope('b', job),
      );
      expect(inputs.map((input) => input.Policy)).to.deep.equal([
        withBucketKey(folderPolicy('b', ID), KEY),
        withBucketKey(zipJobPolicy('b', job), KEY),
      ]);
    });
  });
});
