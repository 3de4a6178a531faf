import { DeleteObjectCommand } from '@aws-sdk/client-s3';
import { expect } from 'chai';
import sinon from 'sinon';
import { LOG_FIELDS } from '../../contract/log-line';
import { type S3Server, startS3Server } from '../../devtools/local-s3';
import { createTransferJob, transferRequestKey } from '../../handlers/lib/transfers/jobs';
import { type JobRef, zipRequestKey, zipStatusKey } from '../../handlers/lib/zip/jobs/job-keys';
import { transferWorker } from '../../handlers/transfer-worker';
import { usageReconciler } from '../../handlers/usage-reconciler';
import { usageRecorder } from '../../handlers/usage-recorder';
import { zipFailed } from '../../handlers/zip-failed';
import { zipWorker } from '../../handlers/zip-worker';
import { type LocalDynamoDb, startDynamoDb } from '../../local/dynamodb';
import { objectCreatedEvent } from '../../local/lambda/s3-notification';
import { type Block, type Synthesized, synthDev } from '../infra/synthesized';
import { filterMatches } from '../support/cloudwatch-filter';
import { identityId } from '../support/events';
import { lambdaLogEvent } from '../support/lambda-log';
import { putObject } from '../support/objects';
import { getText, s3Event, workerContext, zipApi } from '../support/zip-jobs';

// The alarms' metric filters against the log events our workers really produce: each handler runs with
// its default log sink on a real S3 server (and dynalite), in the log format the stack gives its
// function, and each console.log call becomes the event Lambda's runtime would write for it.
describe('the alarms’ metric filters against the workers’ real log events', () => {
  let stack: Synthesized;
  let s3: S3Server;
  let db: LocalDynamoDb;
  const alice = identityId();

  /** Every log event a handler wrote while `run` ran, as Lambda writes it for the named function. */
  async function logEvents(handler: string, run: () => Promise<unknown>): Promise<string[]> {
    const fn = stack
      .resources('aws_lambda_function')
      .map(([, block]) => block)
      .find((block) => block.function_name === `lockbox-dev-${handler}`) as Block;
    const logFormat: string = fn.logging_config.log_format;
    // Lambda sets this variable from the function's logging_config.
    const saved = process.env.AWS_LAMBDA_LOG_FORMAT;
    process.env.AWS_LAMBDA_LOG_FORMAT = logFormat;
    const write = sinon.stub(console, 'log');
    try {
      await run();
    } finally {
      write.restore();
      if (saved === undefined) delete process.env.AWS_LAMBDA_LOG_FORMAT;
      else process.env.AWS_LAMBDA_LOG_FORMAT = saved;
    }
    // Every line is of the schema's fields (contract/log-line.ts), which the filters are built from.
    for (const [message] of write.args) {
      const line = typeof message === 'string' ? JSON.parse(message) : message;
      expect(Object.keys(LOG_FIELDS)).to.include.members(Object.keys(line));
    }
    return write.args.map(([message]) => lambdaLogEvent(logFormat, 'request-1', message));
  }

  /** The filters of one metric, by the log group (function) they read. */
  function metricPatterns(metric: string): Map<string, string> {
    return new Map(
      stack
        .resources('aws_cloudwatch_log_metric_filter')
        .map(([, filter]) => filter)
        .filter((filter) => filter.metric_transformation.name === metric)
        .map((filter) => [stack.deref(filter.log_group_name)[1].name, filter.pattern as string]),
    );
  }

  /** The failed-zip filters, by the log group (function) they read. */
  const failedJobPatterns = () => metricPatterns('ZipJobsFailed');

  before(async () => {
    stack = synthDev();
    s3 = await startS3Server();
    db = await startDynamoDb();
    await putObject(s3, `${alice}/report.pdf`, Buffer.from('report'));
    await putObject(s3, `${alice}/gone.txt`, Buffer.from('soon gone'));
  });
  after(async () => {
    await s3?.stop();
    await db?.stop();
  });
  afterEach(() => sinon.restore());

  it('watches both zip workers, and counts exactly their jobs that end failed', async () => {
    const api = zipApi(s3);
    const newJob = async (keys: string[]): Promise<JobRef> => {
      const res = await api.create(alice, { keys, name: 'bundle.zip' });
      expect(res.status).to.equal(202);
      return { identityId: alice, jobId: res.body.id };
    };
    const done = await newJob(['report.pdf']);
    const failed = await newJob(['gone.txt']);
    await s3.client.send(new DeleteObjectCommand({ Bucket: s3.bucket, Key: `${alice}/gone.txt` }));
    const worker = zipWorker({ s3ForJob: () => s3.client, bucket: s3.bucket });
    const workerEvents = await logEvents('zip-worker', async () => {
      await worker(s3Event(s3.bucket, zipRequestKey(done)), workerContext());
      await worker(s3Event(s3.bucket, zipRequestKey(failed)), workerContext());
      await worker(s3Event(s3.bucket, zipRequestKey(done)), workerContext()); // skipped: already done
    });

    const running = await newJob(['report.pdf']);
    const status = JSON.parse(await getText(s3.client, s3.bucket, zipStatusKey(running)));
    await putObject(s3, zipStatusKey(running), JSON.stringify({ ...status, status: 'running' }));
    const onFailure = zipFailed({ s3ForJob: () => s3.client, bucket: s3.bucket });
    const failedEvents = await logEvents('zip-failed', () =>
      onFailure(
        {
          requestContext: { condition: 'RetriesExhausted', approximateInvokeCount: 3 },
          requestPayload: s3Event(s3.bucket, zipRequestKey(running)),
        },
        workerContext(),
      ),
    );

    const patterns = failedJobPatterns();
    expect([...patterns.keys()]).to.have.members([
      '/aws/lambda/lockbox-dev-zip-worker',
      '/aws/lambda/lockbox-dev-zip-failed',
    ]);
    const matching = (handler: string, events: string[]) => {
      const pattern = patterns.get(`/aws/lambda/lockbox-dev-${handler}`) as string;
      return events.map((event) => filterMatches(pattern, event));
    };
    expect(workerEvents).to.have.length(3);
    expect(matching('zip-worker', workerEvents), workerEvents.join('\n')).to.deep.equal([false, true, false]);
    expect(failedEvents).to.have.length(1);
    expect(matching('zip-failed', failedEvents), failedEvents.join('\n')).to.deep.equal([true]);
  });

  it('has a test here for every metric filter the stack builds from the log-line schema', () => {
    const metrics = stack
      .resources('aws_cloudwatch_log_metric_filter')
      .map(([, filter]) => filter.metric_transformation.name);
    expect([...new Set(metrics)]).to.have.members(['ZipJobsFailed', 'TransferJobsFailed', 'UsageDrift']);
  });

  it('counts exactly the transfer jobs that end failed, not those the caller’s own request refused', async () => {
    const job = (from: string) =>
      createTransferJob(s3.client, s3.bucket, alice, {
        operation: 'copy',
        from,
        to: 'copied.pdf',
        overwrite: false,
      });
    const done = await job('report.pdf');
    const failed = await job('../escape.pdf'); // malformed: the worker fails it before any copy
    const refused = await job('missing.pdf'); // no such source: the caller's request, not a failure
    const worker = transferWorker({ s3: s3.client, bucket: s3.bucket, s3ForCaller: () => s3.client });
    const events = await logEvents('transfer-worker', async () => {
      for (const ref of [done, failed, refused])
        await worker(s3Event(s3.bucket, transferRequestKey(ref)), workerContext());
    });
    const patterns = metricPatterns('TransferJobsFailed');
    expect([...patterns.keys()]).to.deep.equal(['/aws/lambda/lockbox-dev-transfer-worker']);
    const pattern = [...patterns.values()][0] as string;
    const outcomes = events.map((event) => JSON.parse(event).message.outcome);
    expect(outcomes).to.deep.equal(['done', 'failed', 'refused']);
    expect(
      events.map((event) => filterMatches(pattern, event)),
      events.join('\n'),
    ).to.deep.equal([false, true, false]);
  });

  it('counts none of the usage recorder’s lines, whichever worker’s filter reads them', async () => {
    const record = usageRecorder({ dynamodb: db.client, table: db.tableName }, s3.bucket);
    const created = { bucket: s3.bucket, key: `${alice}/report.pdf`, size: 6, etag: '"e"' };
    const events = await logEvents('usage-recorder', async () => {
      await record(objectCreatedEvent(created, 'eu-west-1'));
      await record(s3Event('another-bucket', `${alice}/x`)); // refused
    });
    expect(events).to.have.length(2);
    for (const pattern of failedJobPatterns().values()) {
      expect(events.map((event) => filterMatches(pattern, event))).to.deep.equal([false, false]);
    }
  });

  it('counts the daily usage check’s users with drift, and nothing of the zip workers’ lines', async () => {
    // A file put straight into S3, its event never applied: alice's usage item misses its bytes.
    await putObject(s3, `${alice}/unrecorded.bin`, Buffer.alloc(100));
    const store = { dynamodb: db.client, table: db.tableName };
    const check = usageReconciler({ s3: s3.client, bucket: s3.bucket }, store, 'eu-west-1:');
    const events = await logEvents('usage-reconciler', () => check());
    const filter = stack
      .resources('aws_cloudwatch_log_metric_filter')
      .map(([, block]) => block)
      .find((block) => block.metric_transformation.name === 'UsageDrift') as Block;
    expect(events).to.have.length(1);
    expect(filterMatches(filter.pattern, events[0] as string), events[0]).to.equal(true);
    // The metric's value: CloudWatch reads it from the same event with the filter's selector.
    const valuePath = (filter.metric_transformation.value as string).slice(2).split('.');
    const value = valuePath.reduce((at: Block, field) => at?.[field], JSON.parse(events[0] as string));
    expect(value).to.be.at.least(1);
    for (const pattern of failedJobPatterns().values())
      expect(filterMatches(pattern, events[0] as string)).to.equal(false);
  });
});
