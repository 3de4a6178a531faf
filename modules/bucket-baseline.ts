import type { DataAwsIamPolicyDocumentStatement } from '@cdktf/provider-aws/lib/data-aws-iam-policy-document';
import type { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { S3BucketOwnershipControls } from '@cdktf/provider-aws/lib/s3-bucket-ownership-controls';
import { S3BucketPublicAccessBlock } from '@cdktf/provider-aws/lib/s3-bucket-public-access-block';
import { S3BucketServerSideEncryptionConfigurationA } from '@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration';
import type { Construct } from 'constructs';

/**
 * What every bucket of ours has: every public-access block on, ACLs disabled (BucketOwnerEnforced), and
 * default encryption: SSE-S3, or SSE-KMS with `kmsKeyArn` and S3 Bucket Keys (S3 then asks KMS for a
 * bucket-level key now and then rather than for each object, cutting KMS requests and their cost).
 */
export function lockDownBucket(scope: Construct, bucket: S3Bucket, kmsKeyArn?: string): void {
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
    rule: [
      kmsKeyArn === undefined
        ? { applyServerSideEncryptionByDefault: { sseAlgorithm: 'AES256' } }
        : {
            applyServerSideEncryptionByDefault: { sseAlgorithm: 'aws:kms', kmsMasterKeyId: kmsKeyArn },
            bucketKeyEnabled: true,
          },
    ],
  });
}

/**
 * Bucket-policy statements that refuse a write asking for another encryption than the bucket's key
 * (SSE-S3, or another KMS key). A write that asks for none, as every request of ours and every presigned
 * URL does, gets the bucket's default and passes: each statement applies only when its header is present.
 */
export function onlyKeyStatements(bucket: S3Bucket, kmsKeyArn: string): DataAwsIamPolicyDocumentStatement[] {
  const present = (header: string) => ({ test: 'Null', variable: header, values: ['false'] });
  return [
    {
      sid: 'DenyOtherEncryption',
      effect: 'Deny',
      principals: [{ type: '*', identifiers: ['*'] }],
      actions: ['s3:PutObject'],
      resources: [`${bucket.arn}/*`],
      condition: [
        present('s3:x-amz-server-side-encryption'),
        { test: 'StringNotEquals', variable: 's3:x-amz-server-side-encryption', values: ['aws:kms'] },
      ],
    },
    {
      sid: 'DenyOtherKmsKey',
      effect: 'Deny',
      principals: [{ type: '*', identifiers: ['*'] }],
      actions: ['s3:PutObject'],
      resources: [`${bucket.arn}/*`],
      condition: [
        present('s3:x-amz-server-side-encryption-aws-kms-key-id'),
        {
          test: 'StringNotEquals',
          variable: 's3:x-amz-server-side-encryption-aws-kms-key-id',
          values: [kmsKeyArn],
        },
      ],
    },
  ];
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
