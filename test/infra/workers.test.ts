import { expect } from 'chai';
import { type Worker, workers } from '../../contract/routes';
import type { EnvironmentConfig } from '../../stacks/environments';
import { environments } from '../../stacks/environments';
import { type Block, type Statement, type Synthesized, synth, synthDev } from './synthesized';

const dev = environments.dev as EnvironmentConfig;

describe('zip workers', () => {
  let stack: Synthesized;
  let bucketArn: string;
  before(() => {
    stack = synthDev();
    bucketArn = stack.ref('aws_s3_bucket', 'arn');
  });

  const worker = () => stack.lambda('lockbox-dev-zip-worker');
  const failed = () => stack.lambda('lockbox-dev-zip-failed');
  /** `${aws_lambda_function.<name>.<attribute>}` for a function block. */
  function functionRef(fn: Block, attribute: string): string {
    const [name] = stack.resources('aws_lambda_function').find(([, f]) => f === fn) as [string, Block];
    return `\${aws_lambda_function.${name}.${attribute}}`;
  }
  const s3Statements = (fn: Block): Statement[] =>
    stack.roleStatements(fn.role).filter((s) => s.actions?.some((a) => a.startsWith('s3:')));

  describe('the worker role', () => {
    const callerRole = () => worker().environment.variables.CALLER_ROLE_ARN as string;
    const s3Of = (statements: Statement[]) =>
      statements.filter((s) => s.actions?.some((a) => a.startsWith('s3:')));
    const onUserFiles = (statements: Statement[]) =>
      statements.filter(
        (s) =>
          s.resources?.includes(`${bucketArn}/eu-west-1:*`) ||
          s.condition?.some((c) => c.values.includes('eu-west-1:*')),
      );

    it("has no access to users' files: its caller role reads them (and their part checksums), nothing more", () => {
      expect(onUserFiles(s3Statements(worker()))).to.deep.equal([]);
      const callerStatements = s3Of(stack.roleStatements(callerRole()));
      expect(onUserFiles(callerStatements).flatMap((s) => s.actions)).to.have.members([
        's3:GetObject',
        's3:GetObjectAttributes',
        // Only to prove a 403 a deleted source: the job's session may list the owner's folder.
        's3:ListBucket',
      ]);
      // The job's session policy narrows this to the owner's folder and the job's archive (session.ts).
      const [, role] = stack.deref(callerRole());
      expect(role.name).to.equal('lockbox-dev-zip-worker-caller');
    });

    it('writes and aborts only under zip/, and deletes nothing', () => {
      for (const statements of [s3Of(stack.roleStatements(callerRole()))]) {
        const actions = statements.flatMap((s) => s.actions ?? []);
        expect(actions).not.to.include('s3:DeleteObject');
        const writes = ['s3:PutObject', 's3:AbortMultipartUpload'];
        const writing = statements.filter((s) => s.actions?.some((a) => writes.includes(a)));
        expect(writing).to.have.length.greaterThan(0);
        for (const statement of writing) expect(statement.resources).to.deep.equal([`${bucketArn}/zip/*`]);
      }
    });

    it('has no S3 access of its own: job records and archive only through its caller role, per job', () => {
      expect(s3Statements(worker())).to.deep.equal([]);
      const onZips = s3Of(stack.roleStatements(callerRole())).filter(
        (s) =>
          s.resources?.includes(`${bucketArn}/zip/*`) || s.condition?.some((c) => c.values.includes('zip/*')),
      );
      expect(onZips.flatMap((s) => s.actions)).to.have.members([
        's3:GetObject',
        's3:PutObject',
        's3:AbortMultipartUpload',
        's3:ListBucket',
      ]);
    });

    it('may invoke zip-failed, its failure destination, and no other function', () => {
      const lambda = stack
        .roleStatements(worker().role)
        .filter((s) => s.actions?.some((a) => a.startsWith('lambda:')));
      expect(lambda).to.have.length(1);
      expect(lambda[0]?.effect).to.equal('Allow');
      expect(lambda[0]?.actions).to.deep.equal(['lambda:InvokeFunction']);
      expect(lambda[0]?.resources).to.deep.equal([functionRef(failed(), 'arn')]);
    });

    it('is the only role allowed to invoke a function', () => {
      for (const [, fn] of stack.resources('aws_lambda_function')) {
        if (fn === worker()) continue;
        const lambda = stack
          .roleStatements(fn.role)
          .filter((s) => s.actions?.some((a) => a.startsWith('lambda:')));
        expect(lambda, fn.function_name).to.deep.equal([]);
      }
    });

    it('has no wildcard action and no wildcard resource', () => {
      for (const role of [worker().role, callerRole(), failed().role]) {
        for (const statement of stack.roleStatements(role)) {
          for (const action of statement.actions ?? []) expect(action).to.not.include('*');
          expect(statement.resources).to.not.include('*');
        }
      }
    });
  });

  it('lets zip-failed only read and write job records under zip/, through its caller role', () => {
    expect(s3Statements(failed())).to.deep.equal([]);
    const callerRole = failed().environment.variables.CALLER_ROLE_ARN as string;
    const [, role] = stack.deref(callerRole);
    expect(role.name).to.equal('lockbox-dev-zip-failed-caller');
    const statements = stack
      .roleStatements(callerRole)
      .filter((s) => s.actions?.some((a) => a.startsWith('s3:')));
    expect(statements.flatMap((s) => s.actions)).to.have.members([
      's3:GetObject',
      's3:PutObject',
      's3:ListBucket',
    ]);
    for (const statement of statements) {
      const scoped =
        statement.resources?.every((r) => r === `${bucketArn}/zip/*`) ||
        statement.condition?.every((c) => c.variable === 's3:prefix' && c.values.join() === 'zip/*');
      expect(scoped, JSON.stringify(statement)).to.equal(true);
    }
  });

  it('starts the worker for each new zip/…/request.json, and for nothing else', () => {
    const notification = stack.only('aws_s3_bucket_notification');
    expect(notification.bucket).to.equal(stack.ref('aws_s3_bucket', 'id'));
    const zipTriggers = notification.lambda_function.filter(
      (f: Block) => f.lambda_function_arn === functionRef(worker(), 'arn'),
    );
    expect(zipTriggers).to.deep.equal([
      {
        lambda_function_arn: functionRef(worker(), 'arn'),
        events: ['s3:ObjectCreated:*'],
        filter_prefix: 'zip/',
        filter_suffix: 'request.json',
      },
    ]);
    expect(notification.queue).to.equal(undefined);
    expect(notification.topic).to.equal(undefined);
  });

  it('lets only S3, for this bucket in this account, invoke the worker', () => {
    const permissions = stack
      .resources('aws_lambda_permission')
      .filter(([, p]) => p.principal === 's3.amazonaws.com')
      .filter(([, p]) => p.function_name === functionRef(worker(), 'function_name'));
    expect(permissions).to.have.length(1);
    const [name, permission] = permissions[0] as [string, Block];
    expect(permission.function_name).to.equal(functionRef(worker(), 'function_name'));
    expect(permission.action).to.equal('lambda:InvokeFunction');
    expect(permission.source_arn).to.equal(bucketArn);
    const accounts = Object.keys(stack.json.data.aws_caller_identity);
    expect(accounts.map((id) => `\${data.aws_caller_identity.${id}.account_id}`)).to.include(
      permission.source_account,
    );
    // S3 checks its permission when the notification is saved.
    expect(stack.only('aws_s3_bucket_notification').depends_on).to.include(`aws_lambda_permission.${name}`);
  });

  it('retries a failed job twice within an hour, then hands it to zip-failed', () => {
    const config = zipWorkerInvokeConfig(stack);
    expect(config.function_name).to.equal(functionRef(worker(), 'function_name'));
    expect(config.maximum_retry_attempts).to.equal(2);
    expect(config.maximum_event_age_in_seconds).to.equal(3600);
    expect(config.destination_config).to.deep.equal({
      on_failure: { destination: functionRef(failed(), 'arn') },
    });
    // Lambda checks the role's permission on the destination when the config is saved.
    const [invokePolicy] = stack
      .resources('aws_iam_role_policy')
      .find(
        ([, p]) => p.role === `\${${stack.deref(worker().role)[0]}.id}` && p.name === 'invoke-on-failure',
      ) as [string, Block];
    expect(config.depends_on).to.deep.equal([`aws_iam_role_policy.${invokePolicy}`]);
  });

  it("gives the worker Lambda's 15 minutes and 1024 MiB (CPU for 20 GiB), zip-failed 30 s and 128 MiB", () => {
    expect(worker()).to.include({ timeout: 900, memory_size: 1024 });
    expect(failed()).to.include({ timeout: 30, memory_size: 128 });
  });

  it('reserves no concurrency unless the environment configures it, and then only for that worker', () => {
    for (const [, fn] of stack.resources('aws_lambda_function')) {
      expect(fn.reserved_concurrent_executions, fn.function_name).to.equal(undefined);
    }
    const reserving = synth({ config: { ...dev, workerConcurrency: { 'zip-worker': 4 } } });
    expect(reserving.lambda('lockbox-dev-zip-worker').reserved_concurrent_executions).to.equal(4);
    expect(reserving.lambda('lockbox-dev-zip-failed').reserved_concurrent_executions).to.equal(undefined);
  });

  it("keeps each worker's logs in its own log group, with the retention", () => {
    for (const fn of [worker(), failed()]) {
      const [, logGroup] = stack.deref(fn.logging_config.log_group);
      expect(logGroup.name).to.equal(`/aws/lambda/${fn.function_name}`);
      expect(logGroup.retention_in_days).to.equal(dev.logRetentionDays);
    }
  });

  it('gives create-zip 512 MiB (it checks up to 1,000 keys in the request) and other routes 256', () => {
    expect(stack.lambda('lockbox-dev-create-zip').memory_size).to.equal(512);
    expect(stack.lambda('lockbox-dev-get-zip').memory_size).to.equal(256);
  });

  it('holds every worker trigger in the one notification S3 allows per bucket', () => {
    const twoTriggers: Worker[] = workers
      .filter((w) => w.zipJobs === true)
      .map((w) =>
        w.handler === 'zip-failed' ? { ...w, trigger: { prefix: 'zip/', suffix: 'retry.json' } } : w,
      );
    const both = synth({ workers: twoTriggers });
    const notification = both.only('aws_s3_bucket_notification');
    expect(notification.lambda_function.map((f: Block) => f.filter_suffix)).to.have.members([
      'request.json',
      'retry.json',
    ]);
    const permissions = both
      .resources('aws_lambda_permission')
      .filter(([, p]) => p.principal === 's3.amazonaws.com');
    expect(notification.depends_on).to.have.members(
      permissions.map(([name]) => `aws_lambda_permission.${name}`),
    );
  });
});

describe('the function tables, checked at synth', () => {
  const zipWorker = workers.find((w) => w.handler === 'zip-worker') as Worker;
  const others = workers.filter((w) => w !== zipWorker);

  it('refuses a failure destination that is not another worker', () => {
    for (const onFailure of ['list-files', 'zip-worker', 'nope']) {
      const broken = {
        ...zipWorker,
        async: { ...(zipWorker.async as NonNullable<Worker['async']>), onFailure },
      };
      expect(() => synth({ workers: [broken, ...others] }), onFailure).to.throw(/onFailure/);
    }
  });

  it('refuses retries and event ages that Lambda does not accept', () => {
    const retries = zipWorker.async as NonNullable<Worker['async']>;
    const async = { ...retries, maxRetryAttempts: 3 };
    expect(() => synth({ workers: [{ ...zipWorker, async }, ...others] })).to.throw(/must be an integer/);
    for (const zipQueueTimeoutSeconds of [59, 21601]) {
      const config = { ...dev, limits: { ...dev.limits, zipQueueTimeoutSeconds } };
      expect(() => synth({ config })).to.throw(/zipQueueTimeoutSeconds must be an integer in 60..21600/);
    }
  });

  it("takes the worker's maximum event age from the environment's queue timeout, which the handlers read too", () => {
    const config = { ...dev, limits: { ...dev.limits, zipQueueTimeoutSeconds: 7200 } };
    const stack = synth({ config });
    expect(zipWorkerInvokeConfig(stack).maximum_event_age_in_seconds).to.equal(7200);
    for (const handler of ['zip-worker', 'create-zip', 'get-zip', 'list-zips']) {
      expect(stack.lambda(`lockbox-dev-${handler}`).environment.variables, handler).to.include({
        ZIP_QUEUE_TIMEOUT_SECONDS: '7200',
      });
    }
  });

  it('refuses a reserved concurrency for a handler that is not a worker, or below 1', () => {
    expect(() => synth({ config: { ...dev, workerConcurrency: { 'list-files': 2 } } })).to.throw(
      /not a worker/,
    );
    expect(() => synth({ config: { ...dev, workerConcurrency: { 'zip-worker': 0 } } })).to.throw(/positive/);
  });

  it('refuses a route timeout beyond API Gateway’s 29 s, and a handler that is both a route and a worker', () => {
    const route = { method: 'GET', path: '/files', handler: 'list-files', s3: [] } as const;
    expect(() => synth({ routes: [{ ...route, timeoutSeconds: 30 }] })).to.throw(/timeoutSeconds/);
    expect(() => synth({ routes: [{ ...route, handler: 'zip-failed' }] })).to.throw(/more than one/);
  });
});

/** The zip worker's async settings (the usage recorder has its own, with its failure queue). */
function zipWorkerInvokeConfig(stack: Synthesized) {
  const configs = stack
    .resources('aws_lambda_function_event_invoke_config')
    .filter(([address]) => address.includes('zip-worker'));
  expect(configs).to.have.length(1);
  return configs[0][1];
}
