import type { STSClient } from '@aws-sdk/client-sts';
import { expect } from 'chai';
import { PRESIGNED_URL_SECONDS } from '../../handlers/lib/files/presign';
import {
  callerSessions,
  folderPolicy,
  REFRESH_MARGIN_SECONDS,
  sessionName,
} from '../../handlers/lib/s3/caller-session';
import { SESSION_SECONDS } from '../../handlers/lib/s3/session-seconds';

const ID = 'eu-west-1:0f8e5c1a-8d1b-4a53-9f0c-2b7f2f3a9e11';

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
  it("name only the caller's folder, for objects and for listing", () => {
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
            's3:AbortMultipartUpload',
            's3:ListMultipartUploadParts',
          ],
          Resource: `arn:aws:s3:::bucket/${ID}/*`,
        },
        {
          Effect: 'Allow',
          Action: ['s3:ListBucket', 's3:ListBucketVersions'],
          Resource: 'arn:aws:s3:::bucket',
          Condition: { StringLike: { 's3:prefix': `${ID}/*` } },
        },
      ],
    });
    expect(sessionName(ID)).to.match(/^[\w+=,.@-]{2,64}$/);
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

    await Promise.all([credentialsFor('eu-west-1:other'), credentialsFor('eu-west-1:other')]);
    expect(inputs).to.have.length(3);

    failing = true;
    let error: unknown;
    await credentialsFor('eu-west-1:third').catch((e) => {
      error = e;
    });
    expect(error).to.be.instanceOf(Error);
    failing = false;
    expect((await credentialsFor('eu-west-1:third')).accessKeyId).to.equal('ASIA5');
  });
});
