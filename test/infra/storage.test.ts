import { expect } from 'chai';
import { type Block, type Statement, type Synthesized, synthDev } from './synthesized';

describe('PrivateBucket', () => {
  let stack: Synthesized;
  let bucketArn: string;
  let bucketId: string;
  before(() => {
    stack = synthDev();
    bucketArn = stack.ref('aws_s3_bucket', 'arn');
    bucketId = stack.ref('aws_s3_bucket', 'id');
  });

  function policyStatements(): Statement[] {
    return stack.statements(stack.only('aws_s3_bucket_policy').policy);
  }

  it('names the bucket after the environment', () => {
    expect(stack.only('aws_s3_bucket').bucket_prefix).to.equal('lockbox-dev-files-');
  });

  it('blocks every form of public access', () => {
    const block = stack.only('aws_s3_bucket_public_access_block');
    expect(block.bucket).to.equal(bucketId);
    expect(block).to.include({
      block_public_acls: true,
      block_public_policy: true,
      ignore_public_acls: true,
      restrict_public_buckets: true,
    });
  });

  it('disables ACLs (bucket owner enforced)', () => {
    const ownership = stack.only('aws_s3_bucket_ownership_controls');
    expect(ownership.bucket).to.equal(bucketId);
    expect(ownership.rule.object_ownership).to.equal('BucketOwnerEnforced');
  });

  it('encrypts objects at rest', () => {
    const sse = stack.only('aws_s3_bucket_server_side_encryption_configuration');
    expect(sse.bucket).to.equal(bucketId);
    expect(sse.rule[0].apply_server_side_encryption_by_default.sse_algorithm).to.be.oneOf([
      'AES256',
      'aws:kms',
    ]);
  });

  it('denies requests without TLS', () => {
    const deny = policyStatements().find((s) =>
      s.condition?.some((c) => c.variable === 'aws:SecureTransport' && c.values.includes('false')),
    );
    expect(deny, 'a statement conditioned on aws:SecureTransport=false').to.not.equal(undefined);
    expect(deny?.effect).to.equal('Deny');
    expect(deny?.condition?.[0]?.test).to.equal('Bool');
    expect(deny?.actions).to.deep.equal(['s3:*']);
    expect(deny?.resources).to.have.members([bucketArn, `${bucketArn}/*`]);
  });

  it('never allows anything to everyone', () => {
    const allows = policyStatements().filter((s) => s.effect !== 'Deny');
    expect(allows).to.deep.equal([]);
  });

  it('aborts incomplete multipart uploads within 7 days, whatever the key', () => {
    const rules = stack.only('aws_s3_bucket_lifecycle_configuration').rule as Block[];
    const abort = rules.find((rule) => rule.abort_incomplete_multipart_upload !== undefined) as Block;
    expect(abort.status).to.equal('Enabled');
    expect(abort.filter).to.deep.equal([{ prefix: '' }]);
    expect(abort.abort_incomplete_multipart_upload[0].days_after_initiation).to.be.within(1, 7);
  });

  // An empty filter block warns since AWS provider 5.90 and is to become an error; `prefix = ""` is the
  // provider's documented form of "every key".
  it('gives every lifecycle rule a filter with a prefix, empty for the bucket-wide rules', () => {
    const rules = stack.only('aws_s3_bucket_lifecycle_configuration').rule as Block[];
    for (const rule of rules) {
      expect(rule.filter, rule.id).to.have.length(1);
      expect(rule.filter[0], rule.id).to.have.property('prefix').that.is.a('string');
    }
  });

  it('expires zips after a day', () => {
    const rules = stack.only('aws_s3_bucket_lifecycle_configuration').rule as Block[];
    const expire = rules.find((rule) => rule.expiration !== undefined) as Block;
    expect(expire.status).to.equal('Enabled');
    expect(expire.filter).to.deep.equal([{ prefix: 'zip/' }]);
    expect(expire.expiration[0].days).to.equal(1);
  });

  it('expires upload plans a day after the rule that aborts their uploads, under uploads/ only', () => {
    const rules = stack.only('aws_s3_bucket_lifecycle_configuration').rule as Block[];
    const abort = rules.find((rule) => rule.abort_incomplete_multipart_upload !== undefined) as Block;
    const plans = rules.find((rule) => rule.id === 'expire-upload-plans') as Block;
    expect(plans.status).to.equal('Enabled');
    expect(plans.filter).to.deep.equal([{ prefix: 'uploads/' }]);
    expect(plans.expiration[0].days).to.equal(
      abort.abort_incomplete_multipart_upload[0].days_after_initiation + 1,
    );
  });

  it('allows CORS from the configured origins only, for GET, PUT and HEAD, exposing ETag', () => {
    const cors = stack.only('aws_s3_bucket_cors_configuration');
    expect(cors.bucket).to.equal(bucketId);
    expect(cors.cors_rule).to.have.length(1);
    const [rule] = cors.cors_rule;
    expect(rule.allowed_origins).to.deep.equal(['http://localhost:5173']);
    expect(rule.allowed_origins).to.not.include('*');
    expect(rule.allowed_methods).to.have.members(['GET', 'PUT', 'HEAD']);
    expect(rule.expose_headers).to.deep.equal(['ETag']);
  });
});
