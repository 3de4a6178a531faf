import { DataAwsCallerIdentity } from '@cdktf/provider-aws/lib/data-aws-caller-identity';
import { DataAwsIamPolicyDocument } from '@cdktf/provider-aws/lib/data-aws-iam-policy-document';
import type { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import type { LambdaFunction } from '@cdktf/provider-aws/lib/lambda-function';
import { LambdaPermission } from '@cdktf/provider-aws/lib/lambda-permission';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { S3BucketCorsConfiguration } from '@cdktf/provider-aws/lib/s3-bucket-cors-configuration';
import { S3BucketLifecycleConfiguration } from '@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration';
import { S3BucketNotification } from '@cdktf/provider-aws/lib/s3-bucket-notification';
import { S3BucketPolicy } from '@cdktf/provider-aws/lib/s3-bucket-policy';
import { S3BucketVersioningA } from '@cdktf/provider-aws/lib/s3-bucket-versioning';
import { Construct } from 'constructs';
import {
  ABORT_INCOMPLETE_UPLOAD_DAYS,
  SERVICE_NONCURRENT_DAYS,
  UNDO_RETENTION_DAYS,
  ZIPS_PREFIX,
} from '../contract/bucket-layout';
import type { S3Action, S3Grant, S3Scope } from '../contract/routes';
import { lockDownBucket, onlyKeyStatements, tlsOnlyStatements } from './bucket-baseline';
import { inlinePolicy, type PolicyStatement } from './iam';

export interface PrivateBucketProps {
  /** Start of the bucket's name; S3 appends a unique suffix. At most 37 characters. */
  readonly bucketPrefix: string;
  /** Origins that may GET/PUT/HEAD objects with presigned URLs; never `*`. */
  readonly allowedOrigins: readonly string[];
  /**
   * The key prefix each grant scope covers, e.g. `{ 'user-files': 'eu-west-1:', zips: 'zip/',
   * 'upload-plans': 'uploads/', 'user-records': 'users/', transfers: 'transfers/' }`. Upload plans expire
   * a day after the uploads they describe are aborted; transfer records a day after they are written.
   */
  readonly scopePrefixes: Readonly<Record<S3Scope, string>>;
  /** Key prefix whose objects expire after zipExpirationDays. @default ZIPS_PREFIX, 'zip/' */
  readonly zipPrefix?: string;
  /** @default 1 */
  readonly zipExpirationDays?: number;
  /** Days after which an unfinished multipart upload is aborted (≤ 7). @default 1 */
  readonly abortIncompleteUploadDays?: number;
  /**
   * Days a noncurrent version of a user's file (an overwritten or deleted one) is kept, so that it can be
   * restored; versions under the other scopes' prefixes go after a day. @default 30
   */
  readonly noncurrentVersionDays?: number;
  /** Refuse `destroy`, and refuse to empty the bucket on destroy. @default true */
  readonly preventDestroy?: boolean;
  /** A customer-managed KMS key for the objects (SSE-KMS with S3 Bucket Keys). @default SSE-S3 */
  readonly encryptionKey?: BucketEncryptionKey;
}

/** A KMS key that may encrypt a bucket's objects (EnvironmentKey is one). */
export interface BucketEncryptionKey {
  readonly arn: string;
  /** The key's region, which must be the bucket's. */
  readonly region: string;
  /** Lets S3 use the key for this bucket's objects (the key's policy). */
  allowS3Bucket(bucketArn: string): void;
}

/** A function that S3 invokes when a matching object is created. */
export interface ObjectCreatedTarget {
  /** A fixed construct id for the trigger, e.g. the handler's name. */
  readonly id: string;
  readonly fn: { readonly function: Pick<LambdaFunction, 'functionName' | 'arn'> };
  readonly prefix: string;
  readonly suffix: string;
  /** S3's event types. @default ['s3:ObjectCreated:*'] */
  readonly events?: readonly string[];
}

/**
 * Whether each action applies to the bucket itself or to its objects, which decides the ARN it is granted
 * on. A Record, so an action added to the route table's S3Action fails to compile until it is placed here.
 */
const ACTION_TARGET: Readonly<Record<S3Action, 'bucket' | 'object'>> = {
  's3:ListBucket': 'bucket',
  's3:GetObject': 'object',
  's3:PutObject': 'object',
  's3:DeleteObject': 'object',
  's3:DeleteObjectVersion': 'object',
  's3:AbortMultipartUpload': 'object',
  's3:ListMultipartUploadParts': 'object',
  's3:ListBucketVersions': 'bucket',
  's3:GetObjectVersion': 'object',
  's3:GetObjectAttributes': 'object',
};

type KeyAction = 'kms:Decrypt' | 'kms:GenerateDataKey';

/**
 * What S3 asks KMS for, with the caller's permissions, when an action meets an SSE-KMS object: a data
 * key to write (PutObject, CreateMultipartUpload, a copy's target); a decryption to read (GetObject, a
 * copy's source), and for UploadPart, CompleteMultipartUpload and ListParts of an SSE-KMS upload (S3 API
 * reference, CreateMultipartUpload and ListParts). HeadObject, GetObjectAttributes, listings and deletes
 * read no data. A Record, as ACTION_TARGET.
 */
const KEY_USE: Readonly<Record<S3Action, readonly KeyAction[]>> = {
  's3:ListBucket': [],
  's3:GetObject': ['kms:Decrypt'],
  's3:PutObject': ['kms:GenerateDataKey', 'kms:Decrypt'],
  's3:DeleteObject': [],
  's3:DeleteObjectVersion': [],
  's3:AbortMultipartUpload': [],
  's3:ListMultipartUploadParts': ['kms:Decrypt'],
  's3:ListBucketVersions': [],
  's3:GetObjectVersion': ['kms:Decrypt'],
  's3:GetObjectAttributes': [],
};

/**
 * A private bucket: every public-access block on, ACLs disabled (BucketOwnerEnforced), SSE-S3 or SSE-KMS
 * with a customer-managed key (writes asking for another encryption refused), TLS 1.2+ required by the
 * bucket policy, CORS for the configured origins only, versioning (deletes and overwrites
 * of users' files can be undone for noncurrentVersionDays), lifecycle rules that abort stale multipart
 * uploads, expire zips and upload plans, noncurrent versions and expired delete markers. Access is granted
 * per role and per scope with grant().
 */
export class PrivateBucket extends Construct {
  readonly bucket: S3Bucket;
  /** The customer-managed key of the objects, if any: every grant that reads or writes data includes its use. */
  readonly keyArn?: string;
  private readonly keyRegion?: string;
  private readonly scopePrefixes: Readonly<Record<S3Scope, string>>;
  private notified = false;

  /** The bucket's name (S3 adds a unique suffix to the prefix). */
  get bucketName(): string {
    return this.bucket.bucket;
  }

  constructor(scope: Construct, id: string, props: PrivateBucketProps) {
    super(scope, id);
    const preventDestroy = props.preventDestroy ?? true;
    const abortIncompleteUploadDays = props.abortIncompleteUploadDays ?? ABORT_INCOMPLETE_UPLOAD_DAYS;
    this.scopePrefixes = props.scopePrefixes;
    this.bucket = new S3Bucket(this, 'bucket', {
      bucketPrefix: props.bucketPrefix,
      forceDestroy: !preventDestroy,
      lifecycle: { preventDestroy },
    });
    const bucket = this.bucket.id;
    const key = props.encryptionKey;
    this.keyArn = key?.arn;
    this.keyRegion = key?.region;
    key?.allowS3Bucket(this.bucket.arn);
    lockDownBucket(this, this.bucket, key?.arn);
    const policy = new DataAwsIamPolicyDocument(this, 'policy-document', {
      statement: [
        ...tlsOnlyStatements(this.bucket),
        ...(key === undefined ? [] : onlyKeyStatements(this.bucket, key.arn)),
      ],
    });
    new S3BucketPolicy(this, 'policy', { bucket, policy: policy.json });
    const versioning = new S3BucketVersioningA(this, 'versioning', {
      bucket,
      versioningConfiguration: { status: 'Enabled' },
    });
    const serviceVersions = [{ noncurrentDays: SERVICE_NONCURRENT_DAYS }];
    new S3BucketLifecycleConfiguration(this, 'lifecycle', {
      bucket,
      // Rules on noncurrent versions need versioning first; Terraform would otherwise race the two.
      dependsOn: [versioning],
      rule: [
        {
          id: 'abort-incomplete-multipart-uploads',
          status: 'Enabled',
          filter: [{ prefix: '' }],
          abortIncompleteMultipartUpload: [{ daysAfterInitiation: abortIncompleteUploadDays }],
        },
        {
          id: 'expire-zips',
          status: 'Enabled',
          filter: [{ prefix: props.zipPrefix ?? ZIPS_PREFIX }],
          expiration: [{ days: props.zipExpirationDays ?? 1 }],
          noncurrentVersionExpiration: serviceVersions,
        },
        {
          // A plan outlives its upload by a day, so an open upload always has its plan (both rules count
          // whole days from creation); a finished upload's plan is useless and goes with this rule.
          id: 'expire-upload-plans',
          status: 'Enabled',
          filter: [{ prefix: props.scopePrefixes['upload-plans'] }],
          expiration: [{ days: abortIncompleteUploadDays + 1 }],
          noncurrentVersionExpiration: serviceVersions,
        },
        {
          // A copy or move job's records: its status is polled while it runs, then is of no use.
          id: 'expire-transfers',
          status: 'Enabled',
          filter: [{ prefix: props.scopePrefixes.transfers }],
          expiration: [{ days: 1 }],
          noncurrentVersionExpiration: serviceVersions,
        },
        {
          // What makes undo possible: a deleted or overwritten file's versions stay this long.
          id: 'expire-noncurrent-user-files',
          status: 'Enabled',
          filter: [{ prefix: props.scopePrefixes['user-files'] }],
          noncurrentVersionExpiration: [
            { noncurrentDays: props.noncurrentVersionDays ?? UNDO_RETENTION_DAYS.default },
          ],
        },
        {
          id: 'expire-noncurrent-user-records',
          status: 'Enabled',
          filter: [{ prefix: props.scopePrefixes['user-records'] }],
          noncurrentVersionExpiration: serviceVersions,
        },
        {
          // A delete marker whose versions have all expired hides nothing; S3 still lists it. A rule that
          // expires current versions by age may not also name markers, hence a bucket-wide rule of its own.
          id: 'remove-expired-delete-markers',
          status: 'Enabled',
          filter: [{ prefix: '' }],
          expiration: [{ expiredObjectDeleteMarker: true }],
        },
      ],
    });
    new S3BucketCorsConfiguration(this, 'cors', {
      bucket,
      corsRule: [
        {
          allowedOrigins: [...props.allowedOrigins],
          allowedMethods: ['GET', 'PUT', 'HEAD'],
          allowedHeaders: ['*'],
          exposeHeaders: ['ETag'],
          maxAgeSeconds: 600,
        },
      ],
    });
  }

  /**
   * Allows `role` exactly `grants`: object actions on `<bucket>/<prefix>*`, ListBucket on the bucket
   * only for listings whose `s3:prefix` starts with the scope's prefix. No grant, no policy. With a
   * customer-managed key, also the key's use that those actions need (KEY_USE), only through S3.
   */
  grant(scope: Construct, role: IamRole, grants: readonly S3Grant[]): void {
    const statements = grants.flatMap((grant) => this.statementsFor(grant));
    const keyActions = [...new Set(grants.flatMap((grant) => grant.actions.flatMap((a) => KEY_USE[a])))];
    if (this.keyArn !== undefined && keyActions.length > 0) {
      statements.push({
        effect: 'Allow',
        actions: keyActions.sort(),
        resources: [this.keyArn],
        condition: [
          {
            test: 'StringEquals',
            variable: 'kms:ViaService',
            values: [`s3.${this.keyRegion}.amazonaws.com`],
          },
        ],
      });
    }
    if (statements.length > 0) inlinePolicy(scope, 's3-access', role, statements);
  }

  /**
   * Invokes each target function (asynchronously) when an object whose key matches its prefix and suffix
   * is created. S3 holds one notification configuration per bucket, so every trigger is given in this one
   * call. Each function may be invoked by S3 only for this bucket, in this account (a bucket name can
   * later belong to another account).
   */
  notifyOnObjectCreated(targets: readonly ObjectCreatedTarget[]): void {
    if (this.notified) throw new Error('notifyOnObjectCreated: one call per bucket');
    this.notified = true;
    if (targets.length === 0) return;
    const account = new DataAwsCallerIdentity(this, 'account');
    const permissions = targets.map(
      ({ id, fn }) =>
        new LambdaPermission(this, `notify-${id}`, {
          functionName: fn.function.functionName,
          action: 'lambda:InvokeFunction',
          principal: 's3.amazonaws.com',
          sourceArn: this.bucket.arn,
          sourceAccount: account.accountId,
        }),
    );
    new S3BucketNotification(this, 'notification', {
      bucket: this.bucket.id,
      lambdaFunction: targets.map(({ fn, prefix, suffix, events }) => ({
        lambdaFunctionArn: fn.function.arn,
        events: [...(events ?? ['s3:ObjectCreated:*'])],
        filterPrefix: prefix,
        filterSuffix: suffix,
      })),
      // S3 checks that it may invoke each function when the configuration is saved.
      dependsOn: permissions,
    });
  }

  private statementsFor(grant: S3Grant): PolicyStatement[] {
    const prefix = this.scopePrefixes[grant.scope];
    const objectActions = grant.actions.filter((action) => ACTION_TARGET[action] === 'object');
    const bucketActions = grant.actions.filter((action) => ACTION_TARGET[action] === 'bucket');
    const statements: PolicyStatement[] = [];
    if (objectActions.length > 0) {
      statements.push({
        effect: 'Allow',
        actions: [...objectActions],
        resources: [`${this.bucket.arn}/${prefix}*`],
        // S3 sets s3:if-none-match only on writes that carry the header: without it, no write is allowed.
        ...(grant.createOnly
          ? { condition: [{ test: 'Null', variable: 's3:if-none-match', values: ['false'] }] }
          : {}),
      });
    }
    if (bucketActions.length > 0) {
      statements.push({
        effect: 'Allow',
        actions: [...bucketActions],
        resources: [this.bucket.arn],
        condition: [{ test: 'StringLike', variable: 's3:prefix', values: [`${prefix}*`] }],
      });
    }
    return statements;
  }
}
