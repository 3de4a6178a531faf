import { expect } from 'chai';
import { routes, workers } from '../../contract/routes';
import { type EnvironmentConfig, environments, validateEnvironment } from '../../stacks/environments';
import { type Block, type Synthesized, synth, synthDev } from './synthesized';

const dev = environments.dev as EnvironmentConfig;

describe('alarms', () => {
  let stack: Synthesized;
  let topicArn: string;
  before(() => {
    stack = synthDev();
    topicArn = stack.ref('aws_sns_topic', 'arn');
  });

  const alarms = () => stack.resources('aws_cloudwatch_metric_alarm').map(([, alarm]) => alarm);
  const alarm = (name: string): Block => {
    const found = alarms().find((a) => a.alarm_name === name);
    if (found === undefined) throw new Error(`No alarm ${name}`);
    return found;
  };
  const functionNameRef = (functionName: string) => stack.functionRef(functionName, 'function_name');

  it('sends every alarm, and its return to OK, to the environment’s topic; no data is no alarm', () => {
    expect(stack.only('aws_sns_topic').name).to.equal('lockbox-dev-alarms');
    expect(alarms()).to.have.length.greaterThan(0);
    for (const a of alarms()) {
      expect(a.alarm_name).to.match(/^lockbox-dev-/);
      expect(a.alarm_actions, a.alarm_name).to.deep.equal([topicArn]);
      expect(a.ok_actions, a.alarm_name).to.deep.equal([topicArn]);
      expect(a.treat_missing_data, a.alarm_name).to.equal('notBreaching');
      expect(a.period, a.alarm_name).to.equal(300);
    }
  });

  it('lets only this account’s CloudWatch alarms of this environment publish, over TLS', () => {
    const policy = stack.only('aws_sns_topic_policy');
    expect(policy.arn).to.equal(topicArn);
    const [allow, deny] = stack.statements(policy.policy);
    expect(allow).to.deep.include({
      effect: 'Allow',
      actions: ['sns:Publish'],
      resources: [topicArn],
      principals: [{ type: 'Service', identifiers: ['cloudwatch.amazonaws.com'] }],
    });
    const account = allow?.condition?.find((c) => c.variable === 'aws:SourceAccount');
    expect(account?.test).to.equal('StringEquals');
    expect(account?.values[0]).to.match(/^\$\{data\.aws_caller_identity\.[^.]+\.account_id\}$/);
    const source = allow?.condition?.find((c) => c.variable === 'aws:SourceArn');
    expect(source?.test).to.equal('ArnLike');
    expect(source?.values).to.deep.equal([`arn:*:cloudwatch:*:${account?.values[0]}:alarm:lockbox-dev-*`]);
    expect(deny).to.deep.include({
      effect: 'Deny',
      actions: ['sns:Publish'],
      condition: [{ test: 'Bool', variable: 'aws:SecureTransport', values: ['false'] }],
    });
  });

  it('mails the topic only when the environment names an address', () => {
    expect(stack.resources('aws_sns_topic_subscription')).to.have.length(0);
    const mailed = synth({ config: { ...dev, alarmEmail: 'ops@example.com' } });
    expect(mailed.only('aws_sns_topic_subscription')).to.include({
      topic_arn: mailed.ref('aws_sns_topic', 'arn'),
      protocol: 'email',
      endpoint: 'ops@example.com',
    });
  });

  it('also notifies an existing topic when the environment names one', () => {
    const onCall = 'arn:aws:sns:eu-west-1:123456789012:on-call';
    const routed = synth({ config: { ...dev, alarmTopicArn: onCall } });
    const own = routed.ref('aws_sns_topic', 'arn');
    for (const [, a] of routed.resources('aws_cloudwatch_metric_alarm')) {
      expect(a.alarm_actions, a.alarm_name).to.deep.equal([own, onCall]);
      expect(a.ok_actions, a.alarm_name).to.deep.equal([own, onCall]);
    }
  });

  it('refuses a production environment whose alarms reach no one, unless waived', () => {
    const bare = { ...(environments.prod as EnvironmentConfig), alarmEmail: undefined };
    expect(() => validateEnvironment(bare)).to.throw(/alarmEmail or alarmTopicArn/);
    expect(() => validateEnvironment({ ...bare, alarmTopicArn: 'arn:aws:sns:eu-west-1:1:x' })).to.throw(
      /not an SNS topic ARN/,
    );
    for (const destination of [
      { alarmEmail: 'oncall@example.com' },
      { alarmTopicArn: 'arn:aws:sns:eu-west-1:123456789012:on-call' },
      { alarmDestinationWaived: true },
    ]) {
      expect(() => validateEnvironment({ ...bare, ...destination })).to.not.throw();
    }
    expect(() => validateEnvironment({ ...dev, alarmEmail: undefined })).to.not.throw();
  });

  it("alarms when more than 5 % of the API's requests answer 5xx in two of three periods", () => {
    expect(alarm('lockbox-dev-api-5xx')).to.deep.include({
      namespace: 'AWS/ApiGateway',
      metric_name: '5XXError',
      dimensions: { ApiName: stack.ref('aws_api_gateway_rest_api', 'name'), Stage: 'v1' },
      statistic: 'Average',
      comparison_operator: 'GreaterThanThreshold',
      threshold: 0.05,
      evaluation_periods: 3,
      datapoints_to_alarm: 2,
    });
  });

  it('alarms on any error and any throttle of every function', () => {
    const handlers = [...routes, ...workers].map((entry) => entry.handler);
    for (const handler of handlers) {
      for (const [suffix, metric] of [
        ['errors', 'Errors'],
        ['throttles', 'Throttles'],
      ]) {
        expect(alarm(`lockbox-dev-${handler}-${suffix}`)).to.deep.include({
          namespace: 'AWS/Lambda',
          metric_name: metric,
          dimensions: { FunctionName: functionNameRef(`lockbox-dev-${handler}`) },
          statistic: 'Sum',
          comparison_operator: 'GreaterThanOrEqualToThreshold',
          threshold: 1,
          evaluation_periods: 1,
        });
      }
    }
  });

  it("alarms when a zip worker's longest run reaches 80 % of its timeout", () => {
    expect(alarm('lockbox-dev-zip-worker-duration')).to.deep.include({
      namespace: 'AWS/Lambda',
      metric_name: 'Duration',
      dimensions: { FunctionName: functionNameRef('lockbox-dev-zip-worker') },
      statistic: 'Maximum',
      comparison_operator: 'GreaterThanOrEqualToThreshold',
      threshold: 720_000,
    });
    expect(alarm('lockbox-dev-zip-failed-duration').threshold).to.equal(24_000);
  });

  const jobAlarms: [string, string, string[]][] = [
    ['zip-jobs-failed', 'ZipJobsFailed', ['zip-worker', 'zip-failed']],
    // A transfer the caller's own request made impossible is logged "refused" (lib/transfers/job-run.ts).
    ['transfer-jobs-failed', 'TransferJobsFailed', ['transfer-worker']],
  ];
  for (const [id, metric, handlers] of jobAlarms) {
    it(`counts the log lines of ${id.replace('-failed', '')} that end failed, from their workers, and alarms on one`, () => {
      const filters = stack
        .resources('aws_cloudwatch_log_metric_filter')
        .map(([, filter]) => filter)
        .filter((filter) => filter.metric_transformation.name === metric);
      const groups = filters.map((filter) => stack.deref(filter.log_group_name)[1].name);
      expect(groups).to.have.members(handlers.map((handler) => `/aws/lambda/lockbox-dev-${handler}`));
      for (const filter of filters) {
        // The field and value of the JSON line the workers log (zip/jobs/run-job.ts, zip-failed.ts, transfers/job-run.ts), nested as message.
        expect(filter.pattern).to.equal('{ $.message.outcome = "failed" }');
        expect(filter.metric_transformation).to.deep.equal({
          name: metric,
          namespace: 'lockbox-dev',
          value: '1',
        });
      }
      expect(alarm(`lockbox-dev-${id}`)).to.deep.include({
        namespace: 'lockbox-dev',
        metric_name: metric,
        statistic: 'Sum',
        comparison_operator: 'GreaterThanOrEqualToThreshold',
        threshold: 1,
      });
    });
  }

  it('has exactly these alarms: 5xx, errors and throttles per function, duration per worker, failed jobs, failure queues', () => {
    const functions = routes.length + workers.length;
    const failureQueues = workers.filter((worker) => worker.failureQueue === true).length;
    expect(failureQueues).to.equal(1);
    // The API's 5xx; per function errors and throttles; per worker its duration; failed zip and transfer
    // jobs; the failure queues; the daily usage check's drift.
    expect(alarms()).to.have.length(
      1 + 2 * functions + workers.length + jobAlarms.length + failureQueues + 1,
    );
  });
});
