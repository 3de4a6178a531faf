import { expect } from 'chai';
import { type Statement, type Synthesized, synthDev } from './synthesized';

/** The S3 access of the upload functions, spelled out: the generic table check cannot catch a wrong table. */
describe('upload functions: S3 access', () => {
  let stack: Synthesized;
  let bucketArn: string;
  let callerRecord: string;
  before(() => {
    stack = synthDev();
    bucketArn = stack.ref('aws_s3_bucket', 'arn');
    // Every route may create its callers' records (test/infra/user-records.test.ts).
    callerRecord = `s3:PutObject on ${bucketArn}/users/* if s3:if-none-match Null false`;
  });

  /**
   * "<action> on <resource>[ if <condition>]" for each S3 grant of the function's own role, or of its
   * caller role (the folder-scoped sessions' role, which alone reaches users' files), sorted.
   */
  function s3Grants(handler: string, role: 'function' | 'caller' = 'function'): string[] {
    const fn = stack.lambda(`lockbox-dev-${handler}`);
    const roleArn = role === 'function' ? fn.role : fn.environment.variables.CALLER_ROLE_ARN;
    if (roleArn === undefined) return [];
    return stack
      .roleStatements(roleArn)
      .filter((s: Statement) => s.actions?.some((a) => a.startsWith('s3:')))
      .flatMap((s) => {
        expect(s.effect).to.equal('Allow');
        const condition = (s.condition ?? []).map((c) => ` if ${c.variable} ${c.test} ${c.values.join('|')}`);
        return (s.actions ?? []).flatMap((a) =>
          (s.resources ?? []).map((r) => `${a} on ${r}${condition.join('')}`),
        );
      })
      .sort();
  }

  // Plans are reached only through the caller role, in sessions scoped to `uploads/<identityId>/`; the
  // function roles keep only the caller record. ListBucket (under the scope's prefix) proves a 403 a missing plan.
  const listPlans = () => `s3:ListBucket on ${bucketArn} if s3:prefix StringLike uploads/*`;

  it('lets POST /uploads/parts sign part URLs, check the upload is open and read plans: nothing more', () => {
    expect(s3Grants('sign-upload-parts')).to.deep.equal([callerRecord]);
    expect(s3Grants('sign-upload-parts', 'caller')).to.deep.equal(
      [
        `s3:GetObject on ${bucketArn}/uploads/*`,
        listPlans(),
        `s3:ListMultipartUploadParts on ${bucketArn}/eu-west-1:*`,
        `s3:PutObject on ${bucketArn}/eu-west-1:*`,
      ].sort(),
    );
  });

  it('lets GET /uploads list parts and read plans: it can neither write nor read files', () => {
    expect(s3Grants('list-upload-parts')).to.deep.equal([callerRecord]);
    expect(s3Grants('list-upload-parts', 'caller')).to.deep.equal(
      [
        `s3:GetObject on ${bucketArn}/uploads/*`,
        listPlans(),
        `s3:ListMultipartUploadParts on ${bucketArn}/eu-west-1:*`,
      ].sort(),
    );
  });

  it('lets POST /uploads write plans, and no other function touch them but to read', () => {
    expect(s3Grants('create-upload')).to.deep.equal([callerRecord]);
    expect(s3Grants('create-upload', 'caller')).to.deep.equal(
      [
        `s3:AbortMultipartUpload on ${bucketArn}/eu-west-1:*`,
        // HeadObject: a new file gets a single PUT URL, one it replaces a multipart upload.
        `s3:GetObject on ${bucketArn}/eu-west-1:*`,
        `s3:PutObject on ${bucketArn}/eu-west-1:*`,
        `s3:PutObject on ${bucketArn}/uploads/*`,
      ].sort(),
    );
    const functions = stack.resources('aws_lambda_function').map(([, fn]) => fn.function_name as string);
    const onPlans = functions.flatMap((name) =>
      [...s3Grants(name.replace('lockbox-dev-', '')), ...s3Grants(name.replace('lockbox-dev-', ''), 'caller')]
        .filter((grant) => grant.endsWith(`${bucketArn}/uploads/*`))
        .map((grant) => `${name}: ${grant.split(' ')[0]}`),
    );
    expect(onPlans.sort()).to.deep.equal([
      // Reads the plan's size to reserve it again when the upload's reservation lapsed (docs/quotas.md).
      'lockbox-dev-complete-upload: s3:GetObject',
      'lockbox-dev-create-upload: s3:PutObject',
      'lockbox-dev-list-upload-parts: s3:GetObject',
      'lockbox-dev-sign-upload-parts: s3:GetObject',
    ]);
  });
});
