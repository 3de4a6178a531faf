import { expect } from 'chai';
import fc from 'fast-check';
import { routes, workers } from '../../../contract/routes';
import { evaluate } from '../../../devtools/iam/evaluate';
import { evaluateTable, requestTable } from '../../../devtools/iam/request-table';
import { ACCOUNT, type IamPolicy, StackPolicies } from '../../../devtools/iam/terraform-policies';
import { identityIdOf } from '../../../handlers/lib/files/keys';
import { folderPolicy } from '../../../handlers/lib/s3/caller-session';
import { zipJobPolicy } from '../../../handlers/lib/zip/jobs/session';
import { isAllowed, parseSessionPolicy, type S3Access } from '../../../local/s3/http/session-policy';
import { synthDev } from '../synthesized';

/**
 * Local mode keeps its own session-policy matcher (local/s3/http/session-policy.ts: the evaluator's licence
 * keeps it out of `npm start`, docs/security.md); here it must decide as AWS's logic does, on every session
 * row of the request table and on random requests. Locally a session's role grants everything (one caller
 * role stands for all), so the library evaluates the session policy under an allow-everything role.
 */
const EVERYTHING: IamPolicy = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: ['s3:*'], Resource: ['*'] }],
};
const PRINCIPAL = `arn:aws:sts::${ACCOUNT}:assumed-role/lockbox-local-caller/session`;

async function library(policy: string, access: S3Access): Promise<boolean> {
  const decision = await evaluate({
    principal: PRINCIPAL,
    action: access.action,
    resource: access.resource,
    resourceAccount: ACCOUNT,
    context: {
      'aws:SecureTransport': 'true',
      ...(access.prefix === undefined ? {} : { 's3:prefix': access.prefix }),
    },
    identityPolicies: [{ name: 'caller-role', policy: EVERYTHING }],
    sessionPolicy: JSON.parse(policy),
  });
  return decision === 'Allowed';
}

const matcher = (policy: string, access: S3Access) => isAllowed(parseSessionPolicy(policy), access);

describe('IAM: local S3’s session-policy matcher agrees with AWS’s evaluation', () => {
  it('on every session row of the request table', async function () {
    // Evaluations by the hundred: slow on a loaded machine, not a measure of anything.
    this.timeout(180_000);
    const rows = await evaluateTable(
      requestTable({ stack: new StackPolicies(synthDev().json), routes, workers }),
    );
    const sessions = rows.filter(
      (row) => row.evaluated.sessionPolicy !== undefined && row.evaluated.action.startsWith('s3:'),
    );
    expect(sessions.length).to.be.greaterThan(50);
    for (const { evaluated, principal, request } of sessions) {
      const policy = JSON.stringify(evaluated.sessionPolicy);
      const prefix = evaluated.context['s3:prefix'];
      const access: S3Access = {
        action: evaluated.action,
        resource: evaluated.resource,
        ...(typeof prefix === 'string' ? { prefix } : {}),
      };
      expect(matcher(policy, access)).to.equal(await library(policy, access), `${principal}: ${request}`);
    }
  });

  it('on random keys, prefixes, actions and owners', async function () {
    this.timeout(180_000);
    const bucket = 'lockbox-local';
    const a = identityIdOf('eu-west-1:aaaaaaaa-aaaa-aaaa-aaaa-aaaaaaaaaaaa');
    const b = identityIdOf('eu-west-1:bbbbbbbb-bbbb-bbbb-bbbb-bbbbbbbbbbbb');
    const job = { identityId: a, jobId: 'cccccccc-cccc-cccc-cccc-cccccccccccc' };
    const policies = [folderPolicy(bucket, a), zipJobPolicy(bucket, job)];
    // No `*` in a request: iam-simulate reads one in a request's resource as a pattern, S3 as a character.
    const fragments = [
      a,
      b,
      `${a}/`,
      `${b}/`,
      a.toUpperCase(),
      'zip/',
      `zip/${a}/${job.jobId}/archive.zip`,
      'uploads/',
      '/',
      '?',
      ':',
      '.',
      '..',
      'x',
      'é',
      ' ',
      '%2F',
      '\u200b',
    ];
    const objectActions = [
      's3:GetObject',
      's3:GetObjectVersion',
      's3:GetObjectAttributes',
      's3:GetObjectVersionAttributes',
      's3:PutObject',
      's3:DeleteObject',
      's3:DeleteObjectVersion',
      's3:AbortMultipartUpload',
      's3:ListMultipartUploadParts',
    ];
    const bucketActions = ['s3:ListBucket', 's3:ListBucketVersions', 's3:ListBucketMultipartUploads'];
    const tail = fc.array(fc.constantFrom(...fragments), { maxLength: 4 }).map((parts) => parts.join(''));
    // Keys and prefixes that start like a folder (the owner's, another's, look-alikes) and go on at random.
    const heads = [
      '',
      `${a}/`,
      `${b}/`,
      `${a.toUpperCase()}/`,
      `${a}x/`,
      a,
      `zip/${a}/`,
      `zip/${a}/${job.jobId}/`,
    ];
    const text = fc.tuple(fc.constantFrom(...heads), tail).map(([head, rest]) => head + rest);
    const access = fc.oneof(
      fc
        .record({
          action: fc.constantFrom(...objectActions),
          bucket: fc.constantFrom(bucket, 'other-bucket'),
          key: text.filter((key) => key !== ''),
        })
        .map(
          ({ action, bucket: name, key }): S3Access => ({ action, resource: `arn:aws:s3:::${name}/${key}` }),
        ),
      fc
        .record({
          action: fc.constantFrom(...bucketActions),
          bucket: fc.constantFrom(bucket, 'other-bucket'),
          prefix: text,
        })
        .map(
          ({ action, bucket: name, prefix }): S3Access => ({
            action,
            resource: `arn:aws:s3:::${name}`,
            prefix,
          }),
        ),
    );
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...policies), access, async (policy, request) => {
        expect(matcher(policy, request)).to.equal(await library(policy, request));
      }),
      { numRuns: 500 },
    );
  });
});
