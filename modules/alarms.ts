import { CloudwatchLogMetricFilter } from '@cdktf/provider-aws/lib/cloudwatch-log-metric-filter';
import { CloudwatchMetricAlarm } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';
import { DataAwsCallerIdentity } from '@cdktf/provider-aws/lib/data-aws-caller-identity';
import { DataAwsIamPolicyDocument } from '@cdktf/provider-aws/lib/data-aws-iam-policy-document';
import { SnsTopic } from '@cdktf/provider-aws/lib/sns-topic';
import { SnsTopicPolicy } from '@cdktf/provider-aws/lib/sns-topic-policy';
import { SnsTopicSubscription } from '@cdktf/provider-aws/lib/sns-topic-subscription';
import { Construct } from 'constructs';
import type { LogFieldMatch, NumericLogField } from '../contract/log-line';

export interface AlarmsProps {
  /** Prefix of the topic's and every alarm's name, e.g. `lockbox-dev`; also the namespace of log metrics. */
  readonly namePrefix: string;
  /** An address to mail every alarm and recovery to. @default none: subscribe to the topic yourself */
  readonly email?: string;
  /** An existing SNS topic every alarm and recovery also goes to. @default none */
  readonly existingTopicArn?: string;
  /** A customer-managed KMS key that encrypts the topic. @default no encryption at rest of its own */
  readonly topicKeyArn?: string;
}

/** What a function's log line (contract/log-line.ts) must say to count, and the metric it counts in. */
export interface LogPattern {
  /** The lines to count: those whose field holds this value, e.g. `outcome` = `failed`. */
  readonly match: LogFieldMatch;
  /** The metric's name in the `<namePrefix>` namespace. */
  readonly metricName: string;
  /** The log groups to watch, each with a fixed construct id (one metric filter each, one metric). */
  readonly logGroups: readonly { readonly id: string; readonly name: string }[];
  readonly description: string;
  /** The field of a matching line whose number the metric adds up. @default each line adds 1 */
  readonly sum?: NumericLogField;
}

/** Every alarm looks at five-minute periods. */
const PERIOD_SECONDS = 300;
/** The 5xx rate that alarms: more than 5 % of the stage's requests in two of three periods. */
export const API_5XX_RATE = 0.05;
/** A function whose longest run in a period reaches this share of its timeout is close to being killed. */
export const DURATION_SHARE_OF_TIMEOUT = 0.8;

/**
 * The environment's alarms and the SNS topic they notify (in alarm, and back to OK). Only CloudWatch
 * alarms of this environment may publish there, over TLS. Every alarm treats missing data as fine: no
 * traffic is no failure.
 */
export class Alarms extends Construct {
  readonly topic: SnsTopic;
  private readonly namePrefix: string;
  /** Where every alarm and recovery goes: the topic, and the existing one if given. */
  private readonly actions: string[];

  constructor(scope: Construct, id: string, props: AlarmsProps) {
    super(scope, id);
    this.namePrefix = props.namePrefix;
    this.topic = new SnsTopic(this, 'topic', {
      name: `${props.namePrefix}-alarms`,
      kmsMasterKeyId: props.topicKeyArn,
    });
    this.actions = [
      this.topic.arn,
      ...(props.existingTopicArn === undefined ? [] : [props.existingTopicArn]),
    ];
    const account = new DataAwsCallerIdentity(this, 'account');
    const policy = new DataAwsIamPolicyDocument(this, 'topic-policy-document', {
      statement: [
        {
          sid: 'ThisEnvironmentsAlarms',
          effect: 'Allow',
          actions: ['sns:Publish'],
          resources: [this.topic.arn],
          principals: [{ type: 'Service', identifiers: ['cloudwatch.amazonaws.com'] }],
          condition: [
            { test: 'StringEquals', variable: 'aws:SourceAccount', values: [account.accountId] },
            {
              test: 'ArnLike',
              variable: 'aws:SourceArn',
              values: [`arn:*:cloudwatch:*:${account.accountId}:alarm:${props.namePrefix}-*`],
            },
          ],
        },
        {
          sid: 'TlsOnly',
          effect: 'Deny',
          actions: ['sns:Publish'],
          resources: [this.topic.arn],
          principals: [{ type: 'AWS', identifiers: ['*'] }],
          condition: [{ test: 'Bool', variable: 'aws:SecureTransport', values: ['false'] }],
        },
      ],
    });
    new SnsTopicPolicy(this, 'topic-policy', { arn: this.topic.arn, policy: policy.json });
    if (props.email !== undefined) {
      // Stays "pending confirmation" until the address follows the link AWS mails it.
      new SnsTopicSubscription(this, 'email', {
        topicArn: this.topic.arn,
        protocol: 'email',
        endpoint: props.email,
      });
    }
  }

  /** The share of the stage's requests that API Gateway answered with a 5xx. */
  watchApi(apiName: string, stageName: string): void {
    this.alarm('api-5xx', {
      description: `More than ${API_5XX_RATE * 100} % of the API's requests answered 5xx in two of three 5-minute periods`,
      namespace: 'AWS/ApiGateway',
      metricName: '5XXError',
      dimensions: { ApiName: apiName, Stage: stageName },
      // 5XXError is 0 or 1 per request: its average is the rate.
      statistic: 'Average',
      comparisonOperator: 'GreaterThanThreshold',
      threshold: API_5XX_RATE,
      evaluationPeriods: 3,
      datapointsToAlarm: 2,
    });
  }

  /** Invocations that failed (a crash, a timeout, an uncaught error) and invocations Lambda throttled. */
  watchFunction(handler: string, functionName: string): void {
    for (const [suffix, metricName, what] of [
      ['errors', 'Errors', 'failed (crash, timeout or uncaught error)'],
      ['throttles', 'Throttles', 'were throttled'],
    ] as const) {
      this.alarm(`${handler}-${suffix}`, {
        description: `Invocations of ${handler} ${what} in a 5-minute period`,
        namespace: 'AWS/Lambda',
        metricName,
        dimensions: { FunctionName: functionName },
        statistic: 'Sum',
        comparisonOperator: 'GreaterThanOrEqualToThreshold',
        threshold: 1,
        evaluationPeriods: 1,
      });
    }
  }

  /** The function's longest run in a period came close to its timeout. */
  watchDuration(handler: string, functionName: string, timeoutSeconds: number): void {
    this.alarm(`${handler}-duration`, {
      description: `A run of ${handler} took ${DURATION_SHARE_OF_TIMEOUT * 100} % of its ${timeoutSeconds} s timeout or more`,
      namespace: 'AWS/Lambda',
      metricName: 'Duration',
      dimensions: { FunctionName: functionName },
      statistic: 'Maximum',
      comparisonOperator: 'GreaterThanOrEqualToThreshold',
      threshold: Math.round(timeoutSeconds * 1000 * DURATION_SHARE_OF_TIMEOUT),
      evaluationPeriods: 1,
    });
  }

  /** A queue of failed events (FailureQueue) holds any message: something was not applied. */
  watchQueue(id: string, queueName: string, description: string): void {
    this.alarm(id, {
      description,
      namespace: 'AWS/SQS',
      metricName: 'ApproximateNumberOfMessagesVisible',
      dimensions: { QueueName: queueName },
      statistic: 'Maximum',
      comparisonOperator: 'GreaterThanOrEqualToThreshold',
      threshold: 1,
      evaluationPeriods: 1,
    });
  }

  /** Log lines matching a pattern, counted by metric filters; one such line in a period alarms. */
  watchLogs(id: string, logs: LogPattern): void {
    for (const group of logs.logGroups) {
      new CloudwatchLogMetricFilter(this, `${id}-${group.id}`, {
        name: `${this.namePrefix}-${id}`,
        logGroupName: group.name,
        pattern: `{ ${selector(logs.match.field)} = ${JSON.stringify(logs.match.equals)} }`,
        // No default value: a metric with no data points costs nothing, and the alarm reads "no data" as fine.
        metricTransformation: {
          name: logs.metricName,
          namespace: this.namePrefix,
          value: logs.sum === undefined ? '1' : selector(logs.sum),
        },
      });
    }
    this.alarm(id, {
      description: logs.description,
      namespace: this.namePrefix,
      metricName: logs.metricName,
      statistic: 'Sum',
      comparisonOperator: 'GreaterThanOrEqualToThreshold',
      threshold: 1,
      evaluationPeriods: 1,
    });
  }

  private alarm(id: string, settings: AlarmSettings): void {
    const { description, ...rest } = settings;
    new CloudwatchMetricAlarm(this, id, {
      alarmName: `${this.namePrefix}-${id}`,
      alarmDescription: description,
      period: PERIOD_SECONDS,
      treatMissingData: 'notBreaching',
      alarmActions: this.actions,
      okActions: this.actions,
      ...rest,
    });
  }
}

/**
 * A field of a function's log line as a metric filter reads it: Lambda's JSON log format (which the stack
 * sets on every function) nests the object a function logs as the record's `message`.
 */
function selector(field: string): string {
  return `$.message.${field}`;
}

interface AlarmSettings {
  readonly description: string;
  readonly namespace: string;
  readonly metricName: string;
  readonly dimensions?: Record<string, string>;
  readonly statistic: 'Average' | 'Sum' | 'Maximum';
  readonly comparisonOperator: 'GreaterThanThreshold' | 'GreaterThanOrEqualToThreshold';
  readonly threshold: number;
  readonly evaluationPeriods: number;
  readonly datapointsToAlarm?: number;
}
