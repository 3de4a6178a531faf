import { expect } from 'chai';
import { routes, workers } from '../../contract/routes';
import { environments } from '../../stacks/environments';
import { type Block, type Synthesized, synth, synthDev } from './synthesized';

describe('usage table (quotas)', () => {
  let stack: Synthesized;
  let tableArn: string;
  before(() => {
    stack = synthDev();
    tableArn = stack.ref('aws_dynamodb_table', 'arn');
  });

  it('is on-demand, KMS-encrypted, with point-in-time recovery, TTL on tombstones and deletion protection', () => {
    const table = stack.only('aws_dynamodb_table');
    expect(table).to.include({
      name: 'lockbox-dev-usage',
      billing_mode: 'PAY_PER_REQUEST',
      hash_key: 'user',
      range_key: 'item',
      deletion_protection_enabled: true,
    });
    expect(table.server_side_encryption).to.deep.equal({ enabled: true });
    expect(table.point_in_time_recovery).to.deep.equal({ enabled: true });
    expect(table.ttl).to.deep.equal({ attribute_name: 'expiresAt', enabled: true });
    expect(table.lifecycle).to.deep.equal({ prevent_destroy: true });
  });

  it('can be destroyed in a throwaway environment', () => {
    const throwaway = synth({
      config: { ...environments.dev, name: 'preview', preventDestroy: false } as never,
    });
    expect(throwaway.only('aws_dynamodb_table').deletion_protection_enabled).to.equal(false);
  });

  it("grants each function exactly its route's table actions, on the table's ARN only", () => {
    for (const entry of [...routes, ...workers]) {
      const fn = stack.lambda(`lockbox-dev-${entry.handler}`);
      const statements = stack
        .roleStatements(fn.role)
        .filter((s) => (s.actions ?? []).some((a) => a.startsWith('dynamodb:')));
      if (entry.usage === undefined) {
        expect(statements, entry.handler).to.deep.equal([]);
        expect(fn.environment.variables.USAGE_TABLE_NAME, entry.handler).to.equal(undefined);
        continue;
      }
      expect(statements, entry.handler).to.have.length(1);
      expect(statements[0]?.actions).to.have.members([...entry.usage]);
      expect(statements[0]?.resources).to.deep.equal([tableArn]);
      expect(fn.environment.variables.USAGE_TABLE_NAME).to.equal(stack.ref('aws_dynamodb_table', 'name'));
    }
  });

  it('never lets a function query, delete items or write whole items, nor scan but the daily usage check', () => {
    const actionsOf = (fn: Block) => stack.roleStatements(fn.role).flatMap((s) => s.actions ?? []);
    const functions = stack.resources('aws_lambda_function').map(([, fn]) => fn);
    const scanners = functions.filter((fn) => actionsOf(fn).includes('dynamodb:Scan'));
    expect(scanners.map((fn) => fn.function_name)).to.deep.equal(['lockbox-dev-usage-reconciler']);
    const actions = functions.flatMap(actionsOf);
    for (const forbidden of ['dynamodb:Query', 'dynamodb:DeleteItem', 'dynamodb:PutItem', 'dynamodb:*'])
      expect(actions).to.not.include(forbidden);
  });

  it('lets GET /usage only read', () => {
    expect(routes.find((r) => r.handler === 'get-usage')?.usage).to.deep.equal(['dynamodb:GetItem']);
  });

  it("starts the usage recorder for every object created or removed in the users' folders", () => {
    const notification = stack.only('aws_s3_bucket_notification');
    const recorder = notification.lambda_function.filter(
      (f: { filter_prefix: string }) => f.filter_prefix === 'eu-west-1:',
    );
    expect(recorder).to.have.length(1);
    expect(recorder[0].events).to.deep.equal([
      's3:ObjectCreated:*',
      's3:ObjectRemoved:*',
      's3:LifecycleExpiration:*',
    ]);
    expect(recorder[0].filter_suffix).to.equal('');
  });

  it("keeps the recorder's events that failed every retry in an encrypted SQS queue, which alarms", () => {
    const queue = stack.only('aws_sqs_queue');
    expect(queue).to.include({
      name: 'lockbox-dev-usage-recorder-failed',
      message_retention_seconds: 1209600,
      sqs_managed_sse_enabled: true,
    });
    const recorder = stack.lambda('lockbox-dev-usage-recorder');
    const config = stack
      .resources('aws_lambda_function_event_invoke_config')
      .map(([, c]) => c)
      .find((c) => String(c.function_name).includes('usage-recorder'));
    expect(config?.maximum_retry_attempts).to.equal(2);
    expect(config?.maximum_event_age_in_seconds).to.equal(21600);
    expect(config?.destination_config.on_failure.destination).to.equal(stack.ref('aws_sqs_queue', 'arn'));
    // Its role may send there, and nowhere else.
    const sends = stack
      .roleStatements(recorder.role)
      .filter((statement) => (statement.actions ?? []).some((action: string) => action.startsWith('sqs:')));
    expect(sends).to.have.length(1);
    expect(sends[0].actions).to.deep.equal(['sqs:SendMessage']);
    expect(sends[0].resources).to.deep.equal([stack.ref('aws_sqs_queue', 'arn')]);
    const alarm = stack
      .resources('aws_cloudwatch_metric_alarm')
      .map(([, a]) => a)
      .find((a) => a.alarm_name === 'lockbox-dev-usage-recorder-failed');
    expect(alarm).to.include({
      namespace: 'AWS/SQS',
      metric_name: 'ApproximateNumberOfMessagesVisible',
      threshold: 1,
    });
    expect(alarm?.dimensions).to.deep.equal({ QueueName: 'lockbox-dev-usage-recorder-failed' });
  });

  it('runs the usage check daily on an EventBridge schedule, and alarms on its drift metric', () => {
    const rule = stack.only('aws_cloudwatch_event_rule');
    expect(rule).to.include({ name: 'lockbox-dev-usage-reconciler', schedule_expression: 'rate(1 day)' });
    const target = stack.only('aws_cloudwatch_event_target');
    expect(target.arn).to.equal(stack.functionRef('lockbox-dev-usage-reconciler', 'arn'));
    const permission = stack
      .resources('aws_lambda_permission')
      .map(([, p]) => p)
      .find((p) => p.principal === 'events.amazonaws.com');
    expect(permission?.source_arn).to.equal(stack.ref('aws_cloudwatch_event_rule', 'arn'));
    expect(permission?.function_name).to.equal(
      stack.functionRef('lockbox-dev-usage-reconciler', 'function_name'),
    );
    // It lists the users' folders' versions, and reads nothing else of S3.
    const fn = stack.lambda('lockbox-dev-usage-reconciler');
    const s3Actions = stack
      .roleStatements(fn.role)
      .flatMap((s) => s.actions ?? [])
      .filter((action: string) => action.startsWith('s3:'));
    expect(s3Actions).to.deep.equal(['s3:ListBucketVersions']);
    expect(fn.environment.variables.CALLER_ROLE_ARN).to.equal(undefined);
    const filter = stack
      .resources('aws_cloudwatch_log_metric_filter')
      .map(([, f]) => f)
      .find((f) => f.metric_transformation.name === 'UsageDrift');
    expect(filter?.pattern).to.equal('{ $.message.worker = "usage-reconciler" }');
    expect(filter?.metric_transformation).to.deep.equal({
      name: 'UsageDrift',
      namespace: 'lockbox-dev',
      value: '$.message.usersWithDrift',
    });
    const alarm = stack
      .resources('aws_cloudwatch_metric_alarm')
      .map(([, a]) => a)
      .find((a) => a.alarm_name === 'lockbox-dev-usage-drift');
    expect(alarm).to.include({ metric_name: 'UsageDrift', statistic: 'Sum', threshold: 1 });
  });
});
