import { CloudwatchEventRule } from '@cdktf/provider-aws/lib/cloudwatch-event-rule';
import { CloudwatchEventTarget } from '@cdktf/provider-aws/lib/cloudwatch-event-target';
import { LambdaPermission } from '@cdktf/provider-aws/lib/lambda-permission';
import { Construct } from 'constructs';
import type { HandlerFunction } from './handler-function';

/**
 * Runs a function on an EventBridge schedule (`rate(1 day)`, a cron expression): a rule on the default
 * bus, the function as its target, and a permission for EventBridge to invoke it from this rule only.
 */
export class Schedule extends Construct {
  readonly rule: CloudwatchEventRule;

  constructor(
    scope: Construct,
    id: string,
    props: { readonly name: string; readonly expression: string; readonly fn: HandlerFunction },
  ) {
    super(scope, id);
    this.rule = new CloudwatchEventRule(this, 'rule', {
      name: props.name,
      scheduleExpression: props.expression,
    });
    new CloudwatchEventTarget(this, 'target', { rule: this.rule.name, arn: props.fn.function.arn });
    new LambdaPermission(this, 'invoke', {
      functionName: props.fn.function.functionName,
      action: 'lambda:InvokeFunction',
      principal: 'events.amazonaws.com',
      sourceArn: this.rule.arn,
    });
  }
}
