import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { TerraformOutput, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import {
  TRANSFERS_PREFIX,
  UPLOAD_PLANS_PREFIX,
  USER_RECORDS_PREFIX,
  ZIPS_PREFIX,
} from '../contract/bucket-layout';
import { callerGrants, type FunctionEntry, isReadBy, ownGrants } from '../contract/function-settings';
import { LOG_FIELDS } from '../contract/log-line';
import {
  CALLER_RECORD_GRANT,
  type Route,
  routeSize,
  routes as routeTable,
  type S3Grant,
  type Worker,
  workers as workerTable,
} from '../contract/routes';
import { IDENTITY_POOL_ID } from '../contract/settings';
import { AccessLogBucket } from '../modules/access-log-bucket';
import { Alarms } from '../modules/alarms';
import { bundleHandlers, type HandlerBundle } from '../modules/bundle/handler-bundle';
import { EnvironmentKey } from '../modules/environment-key';
import { FailureQueue } from '../modules/failure-queue';
import { HandlerFunction, type HandlerFunctionProps } from '../modules/handler-function';
import { PrivateBucket } from '../modules/private-bucket';
import { RestApi } from '../modules/rest-api';
import { Schedule } from '../modules/schedule';
import { StageWebAcl } from '../modules/stage-web-acl';
import { UsageTable } from '../modules/usage-table';
import { UserAuth } from '../modules/user-auth';
import {
  accountSettings,
  type EnvironmentConfig,
  settingVariables,
  undoRetentionDays,
  validateEnvironment,
} from './environments';
import { checkFunctionTable } from './function-table';
import { securityControls, WAF_REQUESTS_PER_IP_PER_5_MINUTES } from './security-controls';
import { configureStateBackend, type StateBucket } from './state-backend';

export interface LockboxStackProps {
  readonly config: EnvironmentConfig;
  /** @default the environment's `state`, else local state (see state-backend.ts) */
  readonly stateBucket?: StateBucket;
  /** @default the route table, contract/routes.ts */
  readonly routes?: readonly Route[];
  /** @default the worker table, contract/routes.ts */
  readonly workers?: readonly Worker[];
}

/** Lambda's longest wait for an asynchronous event (its default): retries stop after this. */
const MAX_EVENT_AGE_SECONDS = 6 * 60 * 60;

/** The stack's name for an environment: `lockbox-<env>`, also its folder under cdktf.out/stacks/. */
export function stackName(config: EnvironmentConfig): string {
  return `lockbox-${config.name}`;
}

/**
 * One environment of lockbox: users (Cognito), their files (a private bucket), the signed REST API
 * whose routes each run their own function, the workers that S3 events start (zip jobs), and the alarms
 * that watch them. Resource names carry the environment's prefix; construct ids never do, so an
 * environment's resources keep their addresses whatever it is called. The stage logs through the
 * account's API Gateway CloudWatch role, which the account stack sets (stacks/account-stack.ts).
 */
export class LockboxStack extends TerraformStack {
  constructor(scope: Construct, id: string, props: LockboxStackProps) {
    super(scope, id);
    const { config } = props;
    validateEnvironment(config);
    const routes = props.routes ?? routeTable;
    const workers = props.workers ?? workerTable;
    const workerConcurrency = config.workerConcurrency ?? {};
    checkFunctionTable(routes, workers, workerConcurrency);
    const prefix = `lockbox-${config.name}`;
    const preventDestroy = config.preventDestroy ?? true;

    new AwsProvider(this, 'aws', {
      region: config.region,
      allowedAccountIds: config.accountId === undefined ? undefined : [config.accountId],
      defaultTags: [{ tags: { project: 'lockbox', environment: config.name } }],
    });
    configureStateBackend(this, id, config.region, props.stateBucket ?? config.state);

    const controls = securityControls(config);
    const key = controls.customerManagedKey
      ? new EnvironmentKey(this, 'key', { namePrefix: prefix, region: config.region, preventDestroy })
      : undefined;
    const keyArn = key?.arn;
    const auth = new UserAuth(this, 'auth', {
      namePrefix: prefix,
      preventDestroy,
      settings: accountSettings(config),
    });
    const storage = new PrivateBucket(this, 'storage', {
      bucketPrefix: `${prefix}-files-`,
      allowedOrigins: config.allowedOrigins,
      // Users' folders are `<identity id>/` and identity ids start with `<region>:`; the service's own
      // areas are contract/bucket-layout.ts's.
      scopePrefixes: {
        'user-files': `${config.region}:`,
        zips: ZIPS_PREFIX,
        'upload-plans': UPLOAD_PLANS_PREFIX,
        'user-records': USER_RECORDS_PREFIX,
        transfers: TRANSFERS_PREFIX,
      },
      noncurrentVersionDays: undoRetentionDays(config),
      preventDestroy,
      encryptionKey: key,
    });

    if (controls.accessLogs) {
      new AccessLogBucket(this, 'access-logs', {
        bucketPrefix: `${prefix}-access-logs-`,
        source: storage.bucket,
        retentionDays: config.logRetentionDays,
        preventDestroy,
      });
    }

    const usageTable = new UsageTable(this, 'usage', {
      tableName: `${prefix}-usage`,
      preventDestroy,
      kmsKeyArn: keyArn,
    });

    const bundles = bundleHandlers([...routes, ...workers].map((entry) => entry.handler));
    // Under a scope of their own, so a handler's name can never clash with another construct's id.
    const functions = new Construct(this, 'functions');
    const newFunction = (
      handler: string,
      settings: Omit<
        HandlerFunctionProps,
        'functionName' | 'bundle' | 'logRetentionDays' | 'tracing' | 'logKeyArn'
      >,
    ) =>
      new HandlerFunction(functions, handler, {
        functionName: `${prefix}-${handler}`,
        bundle: bundles.get(handler) as HandlerBundle,
        logRetentionDays: config.logRetentionDays,
        tracing: controls.tracing,
        logKeyArn: keyArn,
        ...settings,
      });

    // Each function gets exactly the settings its handler reads (contract/settings.ts, function-settings.ts).
    const variables = [
      ...settingVariables(config),
      // The routes serve only this pool's identities; the pool depends on nothing of the API's (no cycle).
      { name: IDENTITY_POOL_ID.variable, value: auth.identityPool.id, setting: IDENTITY_POOL_ID },
    ];
    const settingsReadBy = (entry: FunctionEntry) =>
      Object.fromEntries(
        variables
          .filter((variable) => isReadBy(variable.setting, entry))
          .map((variable) => [variable.name, variable.value]),
      );
    // The caller's files, zip area and upload plans only through a session scoped to the caller's own
    // prefixes there (docs/security.md); the function's role keeps the records (OWN_ROLE_SCOPES). The
    // caller role and the usage table each come with their setting (contract/function-settings.ts).
    const useGrants = (fn: HandlerFunction, entry: FunctionEntry, own: readonly S3Grant[]) => {
      fn.useBucket(storage, own);
      const callers = callerGrants(entry);
      if (callers.length > 0) fn.actForCallers(storage, callers);
      if (entry.usage !== undefined) fn.useUsageTable(usageTable, entry.usage);
    };
    const apiRoutes = routes.map((route) => {
      const { memoryMiB, timeoutSeconds } = routeSize(route);
      const fn = newFunction(route.handler, {
        environment: settingsReadBy(route),
        memorySize: memoryMiB,
        timeoutSeconds,
      });
      useGrants(fn, route, [...ownGrants(route), CALLER_RECORD_GRANT]);
      return { route, fn };
    });
    const workerFunctions = new Map(
      workers.map((worker) => {
        const fn = newFunction(worker.handler, {
          environment: { ...worker.processEnvironment, ...settingsReadBy(worker) },
          memorySize: worker.memoryMiB,
          timeoutSeconds: worker.timeoutSeconds,
          reservedConcurrency: Object.hasOwn(workerConcurrency, worker.handler)
            ? workerConcurrency[worker.handler]
            : undefined,
        });
        useGrants(fn, worker, ownGrants(worker));
        return [worker.handler, fn];
      }),
    );
    const workerFunction = (handler: string) => workerFunctions.get(handler) as HandlerFunction;
    for (const worker of workers) {
      if (worker.async === undefined) continue;
      workerFunction(worker.handler).sendFailuresTo(workerFunction(worker.async.onFailure), {
        ...worker.async,
        maxEventAgeSeconds: config.limits[worker.async.maxEventAgeLimit],
      });
    }
    storage.notifyOnObjectCreated([
      ...workers.flatMap((worker) =>
        worker.trigger === undefined
          ? []
          : [{ id: worker.handler, fn: workerFunction(worker.handler), ...worker.trigger }],
      ),
      // Every version created or removed in a user's folder, by a request or by the lifecycle rules (the
      // users' prefix: identity ids start `<region>:`).
      ...workers
        .filter((worker) => worker.fileEvents === true)
        .map((worker) => ({
          id: worker.handler,
          fn: workerFunction(worker.handler),
          prefix: `${config.region}:`,
          suffix: '',
          events: ['s3:ObjectCreated:*', 's3:ObjectRemoved:*', 's3:LifecycleExpiration:*'],
        })),
    ]);

    const api = new RestApi(this, 'api', {
      name: `${prefix}-api`,
      routes: apiRoutes,
      allowedOrigins: config.allowedOrigins,
      logRetentionDays: config.logRetentionDays,
      throttling: config.throttling,
      // Only for the routes this stack serves (tests build stacks with fewer).
      routeThrottling: Object.fromEntries(
        Object.entries(config.routeThrottling ?? {}).filter(([name]) =>
          routes.some((route) => `${route.method} ${route.path}` === name),
        ),
      ),
      invoker: auth.authenticatedRole,
      tracing: controls.tracing,
      logKeyArn: keyArn,
    });
    api.grantInvoke(auth, auth.authenticatedRole);
    if (controls.waf) {
      new StageWebAcl(this, 'waf', {
        name: `${prefix}-api`,
        stageArn: api.stage.arn,
        requestsPerIpPer5Minutes: WAF_REQUESTS_PER_IP_PER_5_MINUTES,
      });
    }

    const alarms = new Alarms(this, 'alarms', {
      namePrefix: prefix,
      email: config.alarmEmail,
      existingTopicArn: config.alarmTopicArn,
      topicKeyArn: keyArn,
    });
    alarms.watchApi(api.api.name, api.stageName);
    for (const { route, fn } of apiRoutes) alarms.watchFunction(route.handler, fn.function.functionName);
    for (const worker of workers) {
      const fn = workerFunction(worker.handler);
      alarms.watchFunction(worker.handler, fn.function.functionName);
      alarms.watchDuration(worker.handler, fn.function.functionName, fn.timeoutSeconds);
      if (worker.failureQueue === true) {
        const failed = new FailureQueue(this, `${worker.handler}-failed`, {
          queueName: `${prefix}-${worker.handler}-failed`,
        });
        fn.sendFailuresToQueue(failed, { maxRetryAttempts: 2, maxEventAgeSeconds: MAX_EVENT_AGE_SECONDS });
        alarms.watchQueue(
          `${worker.handler}-failed`,
          `${prefix}-${worker.handler}-failed`,
          `Events ${worker.handler} failed to apply after every retry are waiting in its failure queue`,
        );
      }
    }
    // Each worker writes one JSON line per job it ends, of a shape contract/log-line.ts declares; the filters
    // name its fields through LOG_FIELDS, so a renamed field renames the filter or fails to compile.
    alarms.watchLogs('zip-jobs-failed', {
      match: { field: LOG_FIELDS.outcome, equals: 'failed' },
      metricName: 'ZipJobsFailed',
      logGroups: workers
        .filter((worker) => worker.zipJobs === true)
        .map(({ handler }) => ({ id: handler, name: workerFunction(handler).logGroup.name })),
      description: 'A zip job ended failed (worker or zip-failed log line with outcome "failed")',
    });
    // The transfer worker logs a job the caller's own request made impossible as "refused", not "failed".
    alarms.watchLogs('transfer-jobs-failed', {
      match: { field: LOG_FIELDS.outcome, equals: 'failed' },
      metricName: 'TransferJobsFailed',
      logGroups: workers
        .filter((worker) => worker.handler === 'transfer-worker')
        .map(({ handler }) => ({ id: handler, name: workerFunction(handler).logGroup.name })),
      description: 'A copy or move job ended failed (transfer worker log line with outcome "failed")',
    });
    for (const worker of workers) {
      if (worker.schedule === undefined) continue;
      new Schedule(this, `${worker.handler}-schedule`, {
        name: `${prefix}-${worker.handler}`,
        expression: worker.schedule,
        fn: workerFunction(worker.handler),
      });
    }
    // The daily usage check logs one line per run: its users with drift are the UsageDrift metric.
    if (workerFunctions.has('usage-reconciler')) {
      alarms.watchLogs('usage-drift', {
        match: { field: LOG_FIELDS.worker, equals: 'usage-reconciler' },
        metricName: 'UsageDrift',
        sum: LOG_FIELDS.usersWithDrift,
        logGroups: [{ id: 'usage-reconciler', name: workerFunction('usage-reconciler').logGroup.name }],
        description: 'The daily usage check found users whose usage differs from what S3 keeps (0 expected)',
      });
    }

    const outputs: Record<string, string> = {
      region: config.region,
      user_pool_id: auth.userPool.id,
      user_pool_client_id: auth.client.id,
      identity_pool_id: auth.identityPool.id,
      api_url: api.stage.invokeUrl,
      bucket_name: storage.bucket.bucket,
      usage_table_name: usageTable.tableName,
      alarm_topic_arn: alarms.topic.arn,
    };
    for (const [name, value] of Object.entries(outputs)) new TerraformOutput(this, name, { value });
  }
}
