import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { DataAwsIamPolicyDocument } from '@cdktf/provider-aws/lib/data-aws-iam-policy-document';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { LambdaFunction } from '@cdktf/provider-aws/lib/lambda-function';
import { LambdaFunctionEventInvokeConfig } from '@cdktf/provider-aws/lib/lambda-function-event-invoke-config';
import { AssetType, TerraformAsset } from 'cdktf';
import { Construct } from 'constructs';
import type { S3Grant, UsageAction } from '../contract/routes';
import { SESSION_SECONDS } from '../contract/session-seconds';
import { BUCKET_KEY_ARN, BUCKET_NAME, CALLER_ROLE_ARN, USAGE_TABLE_NAME } from '../contract/settings';
import { BUNDLE_ENTRY, type HandlerBundle } from './bundle/handler-bundle';
import type { FailureQueue } from './failure-queue';
import { inlinePolicy, serviceRole } from './iam';

export interface HandlerFunctionProps {
  /** The function's name, also its role's and log group's (`/aws/lambda/<name>`). */
  readonly functionName: string;
  readonly bundle: HandlerBundle;
  readonly logRetentionDays: number;
  /** Settings besides the ones a binding such as useBucket sets. @default {} */
  readonly environment?: Readonly<Record<string, string>>;
  /** A route's comes from routeSize (contract/routes.ts). */
  readonly memorySize: number;
  /** A route's is below API Gateway's integration timeout, so the caller gets the handler's answer. */
  readonly timeoutSeconds: number;
  /** Instances reserved for (and at most running) this function. @default none: the account's shared pool */
  readonly reservedConcurrency?: number;
  /** X-Ray active tracing, with the two X-Ray actions Lambda needs to send traces. @default false */
  readonly tracing?: boolean;
  /** A customer-managed KMS key that encrypts the log group. @default CloudWatch Logs' own encryption */
  readonly logKeyArn?: string;
}

/** A bucket that grants S3 access to a role (PrivateBucket is one). */
export interface GrantingBucket {
  /** The bucket's name, as the handlers read it. */
  readonly bucketName: string;
  /** The customer-managed KMS key of its objects, if any; its grants include the key's use. */
  readonly keyArn?: string;
  /** Allows `role` exactly `grants`, with the policy created under `scope`. */
  grant(scope: Construct, role: IamRole, grants: readonly S3Grant[]): void;
}

/** A table that grants access to a role (UsageTable is one). */
export interface GrantingTable {
  readonly tableName: string;
  grant(scope: Construct, role: IamRole, actions: readonly UsageAction[]): void;
}

/** How Lambda retries an asynchronous invocation before it hands the event to a failure destination. */
export interface AsyncRetries {
  /** 0..2 retries after the first attempt. */
  readonly maxRetryAttempts: number;
  /** 60..21600: an event still queued (e.g. throttled) after this long is given up. */
  readonly maxEventAgeSeconds: number;
}

/**
 * One handler as a Lambda function: Node 22 on arm64, its own role and its own log group with a
 * retention. The role may write to that log group only; S3 access comes from useBucket.
 */
export class HandlerFunction extends Construct {
  readonly function: LambdaFunction;
  readonly role: IamRole;
  readonly logGroup: CloudwatchLogGroup;
  /** The function's timeout, a plain number (the resource's attribute is a token at synth). */
  readonly timeoutSeconds: number;
  private readonly variables: Record<string, string>;
  private readonly functionName: string;

  constructor(scope: Construct, id: string, props: HandlerFunctionProps) {
    super(scope, id);
    // Lambda and IAM both cap names at 64 characters; fail at synth rather than halfway through an apply.
    if (props.functionName.length > 64)
      throw new Error(`Function name "${props.functionName}" exceeds 64 chars`);
    this.variables = { ...props.environment };
    this.functionName = props.functionName;
    this.timeoutSeconds = props.timeoutSeconds;
    this.logGroup = new CloudwatchLogGroup(this, 'logs', {
      name: `/aws/lambda/${props.functionName}`,
      retentionInDays: props.logRetentionDays,
      kmsKeyId: props.logKeyArn,
    });
    this.role = serviceRole(this, 'role', props.functionName, 'lambda.amazonaws.com');
    const logsPolicy = inlinePolicy(this, 'write-logs', this.role, [
      {
        effect: 'Allow',
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [`${this.logGroup.arn}:*`],
      },
    ]);
    const code = new TerraformAsset(this, 'code', {
      path: props.bundle.zipPath,
      type: AssetType.FILE,
      // The bundle's content hash, so the asset's path moves only with the code.
      assetHash: Buffer.from(props.bundle.sha256, 'base64').toString('hex'),
    });
    this.function = new LambdaFunction(this, 'function', {
      functionName: props.functionName,
      role: this.role.arn,
      runtime: 'nodejs22.x',
      architectures: ['arm64'],
      handler: BUNDLE_ENTRY,
      filename: code.path,
      sourceCodeHash: props.bundle.sha256,
      memorySize: props.memorySize,
      timeout: this.timeoutSeconds,
      reservedConcurrentExecutions: props.reservedConcurrency,
      environment: { variables: { ...this.variables } },
      // JSON: each record's message is the handler's own JSON object (handlers/lib/wiring/log-line.ts), which
      // metric filters can read; Text puts a time, request id and level before it, which no JSON filter parses.
      loggingConfig: { logFormat: 'JSON', logGroup: this.logGroup.name },
      tracingConfig: props.tracing === true ? { mode: 'Active' } : undefined,
      // The first invocation must find its log group and its permission to write there.
      dependsOn: [this.logGroup, logsPolicy],
    });
    if (props.tracing === true) {
      // X-Ray has no resource-level permissions for these two: `*` is the narrowest resource there is.
      inlinePolicy(this, 'write-traces', this.role, [
        { effect: 'Allow', actions: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'], resources: ['*'] },
      ]);
    }
  }

  /**
   * Lets the handler use `bucket`: sets BUCKET_NAME and grants exactly `grants` in one call, so the
   * setting and the permission cannot drift apart. Every handler reads BUCKET_NAME at cold start, so even
   * a route without S3 access gets it (and no S3 permission).
   */
  useBucket(bucket: GrantingBucket, grants: readonly S3Grant[]): void {
    this.variables[BUCKET_NAME.variable] = bucket.bucketName;
    this.function.putEnvironment({ variables: { ...this.variables } });
    bucket.grant(this, this.role, grants);
  }

  /** Lets the handler use the usage table: sets USAGE_TABLE_NAME and grants exactly `actions`. */
  useUsageTable(table: GrantingTable, actions: readonly UsageAction[]): void {
    this.variables[USAGE_TABLE_NAME.variable] = table.tableName;
    this.function.putEnvironment({ variables: { ...this.variables } });
    table.grant(this, this.role, actions);
  }

  /**
   * Gives the handler a role of its own to act for its callers (`<function>-caller`), holding exactly
   * `grants` (a route's user-files grants; the zip worker's archive work), which only this function's
   * role may assume; sets CALLER_ROLE_ARN. The handler assumes it per caller (or per zip job) with a
   * session policy naming only the caller's folder (handlers/lib/s3/caller-session.ts; for a job also its
   * archive, handlers/lib/zip/jobs/session.ts), so the function's own role needs no access to users'
   * files: a key outside the caller's folder is refused by S3 whatever the handler's code does. When the
   * bucket has a customer-managed key, sets BUCKET_KEY_ARN too: the session policy must allow the key's
   * use through S3 as the role does (a session gets the intersection of both).
   */
  actForCallers(bucket: GrantingBucket, grants: readonly S3Grant[]): void {
    const name = `${this.functionName}-caller`;
    if (name.length > 64) throw new Error(`Role name "${name}" exceeds 64 chars`);
    const scope = new Construct(this, 'caller');
    const trust = new DataAwsIamPolicyDocument(scope, 'role-trust', {
      statement: [
        {
          effect: 'Allow',
          actions: ['sts:AssumeRole'],
          principals: [{ type: 'AWS', identifiers: [this.role.arn] }],
        },
      ],
    });
    const role = new IamRole(scope, 'role', {
      name,
      assumeRolePolicy: trust.json,
      maxSessionDuration: SESSION_SECONDS,
    });
    bucket.grant(scope, role, grants);
    inlinePolicy(this, 'assume-caller-role', this.role, [
      { effect: 'Allow', actions: ['sts:AssumeRole'], resources: [role.arn] },
    ]);
    this.variables[CALLER_ROLE_ARN.variable] = role.arn;
    if (bucket.keyArn !== undefined) this.variables[BUCKET_KEY_ARN.variable] = bucket.keyArn;
    this.function.putEnvironment({ variables: { ...this.variables } });
  }

  /**
   * Sends the events of asynchronous invocations that failed every attempt (error, crash, timeout) or
   * aged out to `target`, and allows this function's role to invoke exactly `target` in the same call:
   * Lambda invokes a destination with the source function's role.
   */
  sendFailuresTo(target: HandlerFunction, retries: AsyncRetries): void {
    this.onFailure('invoke-on-failure', 'lambda:InvokeFunction', target.function.arn, retries);
  }

  /**
   * Asynchronous events that failed every attempt go to `target`'s queue (Lambda sends them with the
   * function's role, which may send there and nowhere else).
   */
  sendFailuresToQueue(target: FailureQueue, retries: AsyncRetries): void {
    this.onFailure('send-on-failure', 'sqs:SendMessage', target.queue.arn, retries);
  }

  /** Lambda's retries of an asynchronous event, then `destination`, which the role may `action` on. */
  private onFailure(policyId: string, action: string, destination: string, retries: AsyncRetries): void {
    const allowed = inlinePolicy(this, policyId, this.role, [
      { effect: 'Allow', actions: [action], resources: [destination] },
    ]);
    new LambdaFunctionEventInvokeConfig(this, 'async', {
      functionName: this.function.functionName,
      maximumRetryAttempts: retries.maxRetryAttempts,
      maximumEventAgeInSeconds: retries.maxEventAgeSeconds,
      destinationConfig: { onFailure: { destination } },
      dependsOn: [allowed],
    });
  }
}
