// biome-ignore-all lint/suspicious/noTemplateCurlyInString: the IAM reference writes ARN formats with ${…} placeholders.
import { expect } from 'chai';
import { arnFitsFormat } from '../../../devtools/iam/arn-format';
import { checkPolicy } from '../../../devtools/iam/policy-check';
import { type IamPolicy, policyFromJson, StackPolicies } from '../../../devtools/iam/terraform-policies';
import { identityIdOf } from '../../../handlers/lib/files/keys';
import { folderPolicy, withBucketKey } from '../../../handlers/lib/s3/caller-session';
import { zipJobPolicy } from '../../../handlers/lib/zip/jobs/session';
import { environments } from '../../../stacks/environments';
import { synthStacks } from '../synthesized';

const BUCKET = 'lockbox-dev-files-0123456789abcdef0123456789';
const A = identityIdOf('eu-west-1:aaaaaaaa-aaaa-aaaa-aaaa-aaaaaaaaaaaa');
const JOB = { identityId: A, jobId: 'cccccccc-cccc-cccc-cccc-cccccccccccc' };
const KEY = 'arn:aws:kms:eu-west-1:111122223333:key/dddddddd-dddd-dddd-dddd-dddddddddddd';

const policy = (statement: IamPolicy['Statement'][number]): IamPolicy => ({
  Version: '2012-10-17',
  Statement: [statement],
});

describe('IAM: every statement is valid by AWS’s IAM reference', () => {
  let documents: [string, IamPolicy][];
  before(function () {
    // Synthesizes every environment: slow on a loaded machine, not a measure of anything.
    this.timeout(180_000);
    const app = synthStacks({ environments: Object.values(environments) });
    documents = [...app.stacks].flatMap(([name, stack]) =>
      [...new StackPolicies(stack.json).documents()].map(([document, p]): [string, IamPolicy] => [
        `${name} ${document}`,
        p,
      ]),
    );
  });

  it('every policy document of every synthesized stack', async () => {
    expect(documents.length).to.be.greaterThan(100);
    const findings = (await Promise.all(documents.map(([where, p]) => checkPolicy(p, where)))).flat();
    expect(findings).to.deep.equal([]);
  });

  it('the session policies the handlers build at run time', async () => {
    expect(await checkPolicy(policyFromJson(folderPolicy(BUCKET, A)), 'caller session')).to.deep.equal([]);
    expect(await checkPolicy(policyFromJson(zipJobPolicy(BUCKET, JOB)), 'zip job session')).to.deep.equal([]);
    // With the bucket's customer-managed key (BUCKET_KEY_ARN set).
    for (const session of [folderPolicy(BUCKET, A), zipJobPolicy(BUCKET, JOB)]) {
      expect(await checkPolicy(policyFromJson(withBucketKey(session, KEY)), 'keyed session')).to.deep.equal(
        [],
      );
    }
  });

  it('reports a planted action typo', async () => {
    const planted = policyFromJson(folderPolicy(BUCKET, A));
    planted.Statement[0]?.Action?.push('s3:GetObjekt');
    expect(await checkPolicy(planted, 'planted')).to.deep.equal([
      'planted statement 0: action s3:GetObjekt does not exist',
    ]);
  });

  it('reports a resource of the wrong type: an object action on the bucket, ListBucket on objects', async () => {
    const onBucket = policy({
      Effect: 'Allow',
      Action: ['s3:GetObject'],
      Resource: [`arn:aws:s3:::${BUCKET}`],
    });
    expect(await checkPolicy(onBucket, 'planted')).to.deep.equal([
      `planted statement 0: resource arn:aws:s3:::${BUCKET} fits no resource type of s3:GetObject`,
      `planted statement 0: action s3:GetObject matches none of its resources (arn:aws:s3:::${BUCKET})`,
    ]);
    const planted = policyFromJson(folderPolicy(BUCKET, A));
    (planted.Statement[1] as IamPolicy['Statement'][number]).Resource = [`arn:aws:s3:::${BUCKET}/${A}/*`];
    const findings = await checkPolicy(planted, 'planted');
    expect(findings).to.have.length(3);
    expect(findings[0]).to.match(/resource .* fits no resource type of s3:ListBucket, s3:ListBucketVersions/);
  });

  it('reports a planted unknown condition key, and a real key on an action that lacks it', async () => {
    const planted = policyFromJson(folderPolicy(BUCKET, A));
    (planted.Statement[1] as IamPolicy['Statement'][number]).Condition = {
      StringLike: { 's3:prefx': [`${A}/*`] },
    };
    expect(await checkPolicy(planted, 'planted')).to.deep.equal([
      'planted statement 1: condition key s3:prefx (StringLike) exists neither for s3:ListBucket, s3:ListBucketVersions nor globally',
    ]);
    const prefixOnGet = policy({
      Effect: 'Allow',
      Action: ['s3:GetObject'],
      Resource: [`arn:aws:s3:::${BUCKET}/*`],
      Condition: { StringLike: { 's3:prefix': ['x/*'] } },
    });
    expect(await checkPolicy(prefixOnGet, 'planted')).to.have.length(1);
  });

  it('reports a condition that can never hold: an unknown operator, a Bool or Numeric value of another type', async () => {
    const condition = (Condition: IamPolicy['Statement'][number]['Condition']) =>
      policy({ Effect: 'Deny', Action: ['s3:*'], Resource: [`arn:aws:s3:::${BUCKET}/*`], Condition });
    expect(await checkPolicy(condition({ StringLik: { 's3:prefix': ['x'] } }), 'p')).to.deep.equal([
      'p statement 0: condition operator StringLik is not an IAM operator',
    ]);
    expect(await checkPolicy(condition({ Bool: { 'aws:SecureTransport': ['no'] } }), 'p')).to.deep.equal([
      'p statement 0: condition Bool value no is neither true nor false',
    ]);
    expect(
      await checkPolicy(condition({ NumericLessThan: { 's3:TlsVersion': ['v1.2'] } }), 'p'),
    ).to.deep.equal(['p statement 0: condition NumericLessThan value v1.2 is not a number']);
    const fine = {
      'ForAnyValue:StringLike': { 'aws:PrincipalTag/team': ['x*'] },
      ArnNotEqualsIfExists: { 'aws:PrincipalArn': ['arn:aws:iam::1:role/r'] },
    };
    expect(await checkPolicy(condition(fine), 'p')).to.deep.equal([]);
  });

  it('accepts global keys, tag keys among them (aws:ResourceTag/<key>)', async () => {
    const global = policy({
      Effect: 'Deny',
      Action: ['s3:*'],
      Resource: [`arn:aws:s3:::${BUCKET}/*`],
      Condition: {
        Bool: { 'aws:SecureTransport': ['false'] },
        StringEquals: { 'aws:ResourceTag/team': ['x'] },
      },
    });
    expect(await checkPolicy(global, 'global')).to.deep.equal([]);
  });
});

describe('IAM: ARN formats', () => {
  const object = 'arn:${Partition}:s3:::${BucketName}/${ObjectName}';
  const bucket = 'arn:${Partition}:s3:::${BucketName}';
  const stream =
    'arn:${Partition}:logs:${Region}:${Account}:log-group:${LogGroupName}:log-stream:${LogStreamName}';
  const group = 'arn:${Partition}:logs:${Region}:${Account}:log-group:${LogGroupName}';

  it('tells a bucket from its objects, wildcards included', () => {
    expect(arnFitsFormat('arn:aws:s3:::b', bucket)).to.equal(true);
    expect(arnFitsFormat('arn:aws:s3:::b', object)).to.equal(false);
    expect(arnFitsFormat('arn:aws:s3:::b/eu-west-1:*', object)).to.equal(true);
    expect(arnFitsFormat('arn:aws:s3:::b/eu-west-1:*', bucket)).to.equal(false);
    expect(arnFitsFormat('arn:aws:s3:::b*', object)).to.equal(true);
  });

  it('reads a log group ARN with `:*` as its streams', () => {
    const arn = 'arn:aws:logs:eu-west-1:111122223333:log-group:/aws/lambda/fn:*';
    expect(arnFitsFormat(arn, stream)).to.equal(true);
    expect(arnFitsFormat(arn, group)).to.equal(false);
    expect(arnFitsFormat('arn:aws:logs:eu-west-1:111122223333:log-group:/aws/lambda/fn', stream)).to.equal(
      false,
    );
  });
});
