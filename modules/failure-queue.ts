import { SqsQueue } from '@cdktf/provider-aws/lib/sqs-queue';
import { Construct } from 'constructs';

/** SQS keeps a message at most 14 days: time to see the alarm, find the cause and replay the events. */
const RETENTION_SECONDS = 14 * 24 * 60 * 60;

/**
 * Where a function's asynchronous events go once Lambda gave up on them (its on-failure destination):
 * an SQS queue, encrypted with SQS's own keys, that keeps each record (the event and the error) 14 days.
 */
export class FailureQueue extends Construct {
  readonly queue: SqsQueue;

  constructor(scope: Construct, id: string, props: { readonly queueName: string }) {
    super(scope, id);
    this.queue = new SqsQueue(this, 'queue', {
      name: props.queueName,
      messageRetentionSeconds: RETENTION_SECONDS,
      sqsManagedSseEnabled: true,
    });
  }
}
