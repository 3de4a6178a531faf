import { expect } from 'chai';
import { replacementWarnings } from '../../../../scripts/infra-diff/replacements';
import { blockDiff } from './fixtures';

describe('infra-diff stateful replacement warnings', () => {
  it('warns when an argument that forces replacement changes', () => {
    const diff = blockDiff(
      { 'aws_s3_bucket.files': { bucket_prefix: 'lockbox-dev-files-' } },
      { 'aws_s3_bucket.files': { bucket_prefix: 'lockbox-dev-data-' } },
    );
    const [warning, ...rest] = replacementWarnings(diff);
    expect(rest).to.deep.equal([]);
    expect(warning?.address).to.equal('aws_s3_bucket.files');
    expect(warning?.reason).to.contain('`bucket_prefix`');
  });

  it('warns on a nested forcing argument of the user pool', () => {
    const diff = blockDiff(
      { 'aws_cognito_user_pool.users': { username_configuration: { case_sensitive: false } } },
      { 'aws_cognito_user_pool.users': { username_configuration: { case_sensitive: true } } },
    );
    expect(replacementWarnings(diff).map((warning) => warning.reason)).to.deep.equal([
      'replaced: `username_configuration.case_sensitive` cannot change in place',
    ]);
  });

  it('does not warn on arguments updated in place, nor on stateless resources', () => {
    const diff = blockDiff(
      { 'aws_s3_bucket.files': { force_destroy: false }, 'aws_sqs_queue.q': { name: 'a' } },
      { 'aws_s3_bucket.files': { force_destroy: true }, 'aws_sqs_queue.q': { name: 'b' } },
    );
    expect(replacementWarnings(diff)).to.deep.equal([]);
  });

  it('warns when a stateful resource moves to another address, naming the new one', () => {
    const diff = blockDiff(
      { 'aws_cognito_identity_pool.auth_identity-pool_1': { identity_pool_name: 'ids' } },
      { 'aws_cognito_identity_pool.users_identity-pool_2': { identity_pool_name: 'ids' } },
    );
    const [warning] = replacementWarnings(diff);
    expect(warning?.address).to.equal('aws_cognito_identity_pool.auth_identity-pool_1');
    expect(warning?.reason).to.contain('moves to `aws_cognito_identity_pool.users_identity-pool_2`');
  });

  it('warns when a stateful resource is gone', () => {
    const diff = blockDiff({ 'aws_cognito_user_pool.users': { name: 'u' } }, {});
    expect(replacementWarnings(diff).map((warning) => warning.reason)).to.deep.equal([
      'destroyed: it is gone from the stack',
    ]);
  });
});
