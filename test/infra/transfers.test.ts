import { expect } from 'chai';
import { type Block, type Synthesized, synthDev } from './synthesized';

/** Each action a role's statements allow, as `<action> on <resource>` (conditions left out). */
function grants(stack: Synthesized, role: string | undefined): string[] {
  if (role === undefined) return [];
  return stack
    .roleStatements(role)
    .flatMap((statement) =>
      (statement.actions ?? []).flatMap((action) =>
        (statement.resources ?? []).map((r) => `${action} on ${r}`),
      ),
    );
}

describe('copy and move: least privilege for the routes and the transfer worker', () => {
  let stack: Synthesized;
  let bucket: string;
  let table: string;
  before(() => {
    stack = synthDev();
    bucket = stack.ref('aws_s3_bucket', 'arn');
    table = stack.ref('aws_dynamodb_table', 'arn');
  });
  const own = (handler: string) => grants(stack, stack.lambda(`lockbox-dev-${handler}`).role);
  const caller = (handler: string) =>
    grants(stack, stack.lambda(`lockbox-dev-${handler}`).environment.variables.CALLER_ROLE_ARN);
  const files = (action: string) => `${action} on ${bucket}/eu-west-1:*`;
  const transfers = (action: string) => `${action} on ${bucket}/transfers/*`;

  it('lets a copy read, list and write the caller’s files (through the caller role) and hold quota, never delete', () => {
    expect(caller('copy-files')).to.have.members([
      files('s3:GetObject'),
      `s3:ListBucket on ${bucket}`,
      files('s3:PutObject'),
    ]);
    expect(own('copy-files')).to.include.members([
      transfers('s3:PutObject'),
      `dynamodb:GetItem on ${table}`,
      `dynamodb:UpdateItem on ${table}`,
    ]);
    expect([...own('copy-files'), ...caller('copy-files')].join()).not.to.match(/Delete/);
  });

  it('lets a move delete its sources, with no quota access', () => {
    expect(caller('move-files')).to.include(files('s3:DeleteObject'));
    expect(own('move-files').join()).not.to.include('dynamodb:');
    expect(own('move-files').filter((g) => g.includes('/eu-west-1:'))).to.deep.equal([]);
  });

  it('lets GET /transfers/{id} read job records only', () => {
    const s3Grants = own('get-transfer').filter((g) => g.startsWith('s3:') && !g.includes('/users/'));
    expect(s3Grants).to.deep.equal([transfers('s3:GetObject')]);
    expect(caller('get-transfer')).to.deep.equal([]);
  });

  it('starts the transfer worker on a job request, which does its copies only through its caller role', () => {
    const notification = stack.only('aws_s3_bucket_notification');
    const trigger = (notification.lambda_function as Block[]).find(
      (target) => target.filter_prefix === 'transfers/',
    );
    expect(trigger).to.deep.include({ filter_suffix: 'request.json', events: ['s3:ObjectCreated:*'] });
    expect(own('transfer-worker').filter((g) => g.includes('/eu-west-1:'))).to.deep.equal([]);
    expect(own('transfer-worker')).to.include.members([transfers('s3:GetObject'), transfers('s3:PutObject')]);
    expect(caller('transfer-worker')).to.include.members([
      files('s3:GetObject'),
      files('s3:PutObject'),
      files('s3:DeleteObject'),
      files('s3:AbortMultipartUpload'),
    ]);
  });

  it('expires job records after a day', () => {
    const rules = stack.only('aws_s3_bucket_lifecycle_configuration').rule as Block[];
    const rule = rules.find((candidate) => candidate.id === 'expire-transfers');
    expect(rule).to.deep.include({ filter: [{ prefix: 'transfers/' }], expiration: [{ days: 1 }] });
  });
});
