import { DataAwsCallerIdentity } from '@cdktf/provider-aws/lib/data-aws-caller-identity';
import {
  DataAwsIamPolicyDocument,
  type DataAwsIamPolicyDocumentStatement,
} from '@cdktf/provider-aws/lib/data-aws-iam-policy-document';
import { KmsAlias } from '@cdktf/provider-aws/lib/kms-alias';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { Construct } from 'constructs';

export interface EnvironmentKeyProps {
  /** `lockbox-<env>`: the alias (`alias/<prefix>`) and the log groups the key may encrypt. */
  readonly namePrefix: string;
  readonly region: string;
  /** Refuse `destroy` (data encrypted under a deleted key is lost). @default true */
  readonly preventDestroy?: boolean;
}

/** What the account's administrators may do with the key through IAM: manage it, never use it. */
const ADMINISTRATION = [
  'kms:DescribeKey',
  'kms:GetKeyPolicy',
  'kms:PutKeyPolicy',
  'kms:GetKeyRotationStatus',
  'kms:EnableKeyRotation',
  'kms:ListResourceTags',
  'kms:TagResource',
  'kms:UntagResource',
  'kms:UpdateKeyDescription',
  'kms:ScheduleKeyDeletion',
  'kms:CancelKeyDeletion',
  'kms:ListGrants',
  'kms:RevokeGrant',
  'kms:CreateAlias',
  'kms:DeleteAlias',
  'kms:UpdateAlias',
];

/** What S3 asks KMS for: a data key to write an object, its decryption to read one (or to copy it). */
const S3_KEY_ACTIONS = ['kms:Decrypt', 'kms:GenerateDataKey'] as const;

const ENCRYPT_DECRYPT = [
  'kms:Encrypt',
  'kms:Decrypt',
  'kms:ReEncryptFrom',
  'kms:ReEncryptTo',
  'kms:GenerateDataKey',
  'kms:GenerateDataKeyWithoutPlaintext',
  'kms:DescribeKey',
];

/**
 * A customer-managed KMS key for an environment's files bucket, usage table, alarm topic and log groups,
 * rotated yearly. Its policy names each user: the account's administrators manage it (through their IAM
 * policies) but cannot use it directly; S3 uses it for the buckets given to allowS3Bucket, for this
 * account's principals whose IAM policies allow it (the functions' roles and their callers' sessions);
 * DynamoDB for this account's tables (the grant it creates when the table is created); CloudWatch Logs
 * only for this environment's log groups (and API Gateway's execution logs); CloudWatch alarms to publish
 * to the encrypted topic (docs/operations.md, "Security controls").
 */
export class EnvironmentKey extends Construct {
  readonly key: KmsKey;
  /** The key's region, which is the bucket's: S3 calls KMS as `s3.<region>.amazonaws.com`. */
  readonly region: string;
  private readonly document: DataAwsIamPolicyDocument;
  private readonly statements: DataAwsIamPolicyDocumentStatement[];
  private readonly accountId: string;

  /** The key's ARN. */
  get arn(): string {
    return this.key.arn;
  }

  constructor(scope: Construct, id: string, props: EnvironmentKeyProps) {
    super(scope, id);
    const preventDestroy = props.preventDestroy ?? true;
    this.region = props.region;
    const account = new DataAwsCallerIdentity(this, 'account');
    this.accountId = account.accountId;
    const root = [{ type: 'AWS', identifiers: [`arn:aws:iam::${account.accountId}:root`] }];
    const logGroups = [
      `/aws/lambda/${props.namePrefix}-*`,
      `/aws/apigateway/${props.namePrefix}-*`,
      // Named after the API's id, which the key cannot reference (the API depends on the log groups).
      'API-Gateway-Execution-Logs_*',
    ].map((name) => `arn:aws:logs:${props.region}:${account.accountId}:log-group:${name}`);
    this.statements = [
      {
        sid: 'AccountAdministers',
        effect: 'Allow',
        principals: root,
        actions: ADMINISTRATION,
        resources: ['*'],
      },
      {
        sid: 'DynamoDbTablesOfThisAccount',
        effect: 'Allow',
        principals: root,
        actions: [...ENCRYPT_DECRYPT, 'kms:CreateGrant'],
        resources: ['*'],
        condition: [
          {
            test: 'StringEquals',
            variable: 'kms:ViaService',
            values: [`dynamodb.${props.region}.amazonaws.com`],
          },
          { test: 'StringEquals', variable: 'kms:CallerAccount', values: [account.accountId] },
        ],
      },
      {
        sid: 'LogGroupsOfThisEnvironment',
        effect: 'Allow',
        principals: [{ type: 'Service', identifiers: [`logs.${props.region}.amazonaws.com`] }],
        actions: ENCRYPT_DECRYPT,
        resources: ['*'],
        condition: [{ test: 'ArnLike', variable: 'kms:EncryptionContext:aws:logs:arn', values: logGroups }],
      },
      {
        sid: 'AlarmsPublishToTheTopic',
        effect: 'Allow',
        principals: [{ type: 'Service', identifiers: ['cloudwatch.amazonaws.com'] }],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
        resources: ['*'],
      },
    ];
    this.document = new DataAwsIamPolicyDocument(this, 'policy-document', { statement: this.statements });
    // In a key policy, "*" as the resource means this key.
    this.key = new KmsKey(this, 'key', {
      description: `${props.namePrefix}: files, usage table, alarm topic and log groups`,
      enableKeyRotation: true,
      deletionWindowInDays: 30,
      policy: this.document.json,
      lifecycle: { preventDestroy },
    });
    new KmsAlias(this, 'alias', { name: `alias/${props.namePrefix}`, targetKeyId: this.key.keyId });
  }

  /**
   * Lets S3 use the key for objects of `bucketArn` (SSE-KMS), for principals of this account whose IAM
   * policies allow it: only through S3 in this region, and only with the bucket's encryption context
   * (with S3 Bucket Keys, the bucket's ARN; without, an object's ARN under it).
   */
  allowS3Bucket(bucketArn: string): void {
    this.statements.push({
      sid: 'FilesThroughS3',
      effect: 'Allow',
      principals: [{ type: 'AWS', identifiers: [`arn:aws:iam::${this.accountId}:root`] }],
      actions: [...S3_KEY_ACTIONS],
      resources: ['*'],
      condition: [
        { test: 'StringEquals', variable: 'kms:ViaService', values: [`s3.${this.region}.amazonaws.com`] },
        { test: 'StringEquals', variable: 'kms:CallerAccount', values: [this.accountId] },
        {
          test: 'StringLike',
          variable: 'kms:EncryptionContext:aws:s3:arn',
          values: [bucketArn, `${bucketArn}/*`],
        },
      ],
    });
    this.document.putStatement(this.statements);
  }
}
