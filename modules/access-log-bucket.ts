import { DataAwsCallerIdentity } from '@cdktf/provider-aws/lib/data-aws-caller-identity';
import { DataAwsIamPolicyDocument } from '@cdktf/provider-aws/lib/data-aws-iam-policy-document';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { S3BucketLifecycleConfiguration } from '@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration';
import { S3BucketLoggingA } from '@cdktf/provider-aws/lib/s3-bucket-logging';
import { S3BucketPolicy } from '@cdktf/provider-aws/lib/s3-bucket-policy';
import { Construct } from 'constructs';
import { lockDownBucket, tlsOnlyStatements } from './bucket-baseline';

export interface AccessLogBucketProps {
  /** Start of the log bucket's name; S3 appends a unique suffix. */
  readonly bucketPrefix: string;
  /** The bucket whose requests are logged. */
  readonly source: S3Bucket;
  /** Days a log object is kept. */
  readonly retentionDays: number;
  /** Refuse `destroy`, and refuse to empty the bucket on destroy. @default true */
  readonly preventDestroy?: boolean;
}

/** Where the access logs go inside the log bucket. */
const LOG_PREFIX = 'access/';

/**
 * S3 server access logs of `source` (Security Hub S3.9), delivered to a bucket of their own: locked down
 * as every bucket of ours (SSE-S3, which log delivery requires; SSE-KMS targets are refused), writable
 * only by S3's log delivery for that source bucket of this account, logs expiring after retentionDays.
 * No role of the stack may read it: an auditor uses their own access.
 */
export class AccessLogBucket extends Construct {
  readonly bucket: S3Bucket;

  constructor(scope: Construct, id: string, props: AccessLogBucketProps) {
    super(scope, id);
    const preventDestroy = props.preventDestroy ?? true;
    this.bucket = new S3Bucket(this, 'bucket', {
      bucketPrefix: props.bucketPrefix,
      forceDestroy: !preventDestroy,
      lifecycle: { preventDestroy },
    });
    lockDownBucket(this, this.bucket);
    const account = new DataAwsCallerIdentity(this, 'account');
    const policy = new DataAwsIamPolicyDocument(this, 'policy-document', {
      statement: [
        {
          sid: 'S3LogDelivery',
          effect: 'Allow',
          principals: [{ type: 'Service', identifiers: ['logging.s3.amazonaws.com'] }],
          actions: ['s3:PutObject'],
          resources: [`${this.bucket.arn}/${LOG_PREFIX}*`],
          condition: [
            { test: 'ArnLike', variable: 'aws:SourceArn', values: [props.source.arn] },
            { test: 'StringEquals', variable: 'aws:SourceAccount', values: [account.accountId] },
          ],
        },
        ...tlsOnlyStatements(this.bucket),
      ],
    });
    const bucketPolicy = new S3BucketPolicy(this, 'policy', { bucket: this.bucket.id, policy: policy.json });
    new S3BucketLifecycleConfiguration(this, 'lifecycle', {
      bucket: this.bucket.id,
      rule: [
        {
          id: 'expire-access-logs',
          status: 'Enabled',
          filter: [{ prefix: LOG_PREFIX }],
          expiration: [{ days: props.retentionDays }],
        },
      ],
    });
    new S3BucketLoggingA(this, 'logging', {
      bucket: props.source.id,
      targetBucket: this.bucket.id,
      targetPrefix: LOG_PREFIX,
      // Log delivery checks the target's policy when logging is turned on.
      dependsOn: [bucketPolicy],
    });
  }
}
