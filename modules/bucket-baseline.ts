import type { DataAwsIamPolicyDocumentStatement } from '@cdktf/provider-aws/lib/data-aws-iam-policy-document';
import type { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { S3BucketOwnershipControls } from '@cdktf/provider-aws/lib/s3-bucket-ownership-controls';
import { S3BucketPublicAccessBlock } from '@cdktf/provider-aws/lib/s3-bucket-public-access-block';
import { S3BucketServerSideEncryptionConfigurationA } from '@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration';
import type { Construct } from 'constructs';

/** What every bucket of ours has: every public-access block on, ACLs disabled (BucketOwnerEnforced), SSE-S3. */
export function lockDownBucket(scope: Construct, bucket: S3Bucket): void {
  new S3BucketPublicAccessBlock(scope, 'public-access-block', {
    bucket: bucket.id,
    blockPublicAcls: true,
    blockPublicPolicy: true,
    ignorePublicAcls: true,
    restrictPublicBuckets: true,
  });
  new S3BucketOwnershipControls(scope, 'ownership', {
    bucket: bucket.id,
    rule: { objectOwnership: 'BucketOwnerEnforced' },
  });
  new S3BucketServerSideEncryptionConfigurationA(scope, 'encryption', {
    bucket: bucket.id,
    rule: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: 'AES256' } }],
  });
}

/** Bucket-policy statements that refuse every request without TLS, or with TLS older than 1.2. */
export function tlsOnlyStatements(bucket: S3Bucket): DataAwsIamPolicyDocumentStatement[] {
  const everything = [bucket.arn, `${bucket.arn}/*`];
  return [
    {
      sid: 'DenyInsecureTransport',
      effect: 'Deny',
      principals: [{ type: '*', identifiers: ['*'] }],
      // A deny covers every action, including ones S3 adds later; no allow here uses a wildcard.
      actions: ['s3:*'],
      resources: everything,
      condition: [{ test: 'Bool', variable: 'aws:SecureTransport', values: ['false'] }],
    },
    {
      sid: 'DenyOutdatedTls',
      effect: 'Deny',
      principals: [{ type: '*', identifiers: ['*'] }],
      actions: ['s3:*'],
      resources: everything,
      condition: [{ test: 'NumericLessThan', variable: 's3:TlsVersion', values: ['1.2'] }],
    },
  ];
}
