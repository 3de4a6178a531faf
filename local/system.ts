import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { type Route, routes, type Worker, workers } from '../contract/routes';
import { type LocalAccount, loadOrCreateAccount } from './account';
import { cognitoEndpoint } from './cognito-endpoint';
import { type ConfigPaths, type FrontendConfig, writeConfigFiles } from './config-files';
import { createCredentialRegistry } from './credentials/registry';
import { DATA_ENTRIES } from './data-dir';
import { createDemoUser, type DemoUser } from './demo-user';
import { startDynamoDb, unavailableUsageTable } from './dynamodb';
import { FULL_DISK_MESSAGE, isDiskFull } from './full-disk';
import { LOCAL_ACCOUNT_ID } from './gateway/caller-identity';
import { createGateway } from './gateway/gateway';
import type { ProxyHandler } from './gateway/invoke-route';
import { sendJson } from './http-helpers';
import { createIdentityPool } from './identity-pool/identity-pool';
import { type AsyncFunction, AsyncInvoker } from './lambda/async-invoker';
import { ConcurrencyLimit } from './lambda/concurrency';
import { type LambdaHandler, loadHandler } from './lambda/handlers';
import { abortOrphanArchiveUploads } from './lambda/orphan-uploads';
import { Outbox } from './lambda/outbox';
import { matchesFilter, objectCreatedEvent, objectRemovedEvent } from './lambda/s3-notification';
import { localLifecycleRules } from './lifecycle-rules';
import { refuseForeignHost } from './loopback-host';
import { localOrigins } from './origins';
import { type LifecycleReport, startLocalS3 } from './s3';
import { createLocalSts } from './sts/sts';
import { createUserPool } from './user-pool/user-pool';
import { createWebApp } from './web';

export interface LocalSystemOptions {
  /** @default '127.0.0.1' */
  readonly host?: string;
  /** The API, Cognito and the example app; 0 = a free port. */
  readonly port: number;
  /** The embedded S3; 0 = a free port. */
  readonly s3Port: number;
  readonly dataDir: string;
  /** @default 'eu-west-1' */
  readonly region?: string;
  /** The identity pool's credentials lifetime. @default 3600 */
  readonly credentialsSeconds?: number;
  /** Browser origins allowed besides the defaults (local/origins.ts); LOCKBOX_ORIGINS. @default none */
  readonly origins?: readonly string[];
  /** One line per request and per background event. */
  readonly log: (line: string) => void;
}

export interface LocalSystem {
  readonly config: FrontendConfig;
  readonly paths: ConfigPaths;
  readonly webUrl: string;
  readonly s3Endpoint: string;
  /** Set when this start created the data folder's demo user. */
  readonly demoUser?: DemoUser;
  /** Runs the bucket's lifecycle rules now (they also run at start and hourly), or as of `now`. */
  expireNow(now?: number): Promise<Record<string, LifecycleReport>>;
  stop(): Promise<void>;
}

/** Production's URL shape: `/<stage>/files`. */
export const STAGE = 'local';
/** The caller role of local mode (CALLER_ROLE_ARN), in the local account. */
const CALLER_ROLE_ARN = `arn:aws:iam::${LOCAL_ACCOUNT_ID}:role/lockbox-local-caller`;
/**
 * API functions running at once (local/lambda/concurrency.ts): below the SDK's 50 sockets per client, and
 * enough to keep the core busy while some wait on the disk. A request waits at most a minute for one, then
 * gets API Gateway's throttle answer (429 with Retry-After): on a loaded machine 200 clients wait 15–20 s
 * (bench:api at 10 requests/s), and only a system that stays that far behind should refuse.
 */
const CONCURRENCY = 16;
const MAX_WAIT_MS = 60_000;
/** Retries of a failed zip worker; AWS waits about 1 and 2 minutes. */
const RETRY_DELAYS_MS = [1000, 2000];

/**
 * The whole system on one machine, wired as the stack wires it in AWS: the route table's handlers behind
 * a SigV4-checking gateway, Cognito stand-ins for sign-in and credentials, an embedded S3 whose object
 * notifications start the zip worker, and the files the frontend and the operator need.
 */
export async function startLocalSystem(options: LocalSystemOptions): Promise<LocalSystem> {
  const host = options.host ?? '127.0.0.1';
  const { account, created } = loadOrCreateAccount(options.dataDir, options.region ?? 'eu-west-1');
  const log = options.log;

  // The origins depend on the port, so listen first and serve once everything is wired.
  let serve: ((req: IncomingMessage, res: ServerResponse) => Promise<void>) | undefined;
  const server = createServer((req, res) => {
    if (refuseForeignHost(req, res)) return log(`${req.method} - 421 (Host is not this server)`);
    if (serve === undefined) return sendJson(res, 503, { message: 'Starting' });
    serve(req, res).catch((error) => {
      log(`Internal error of the local system: ${error?.stack ?? error}`);
      if (!res.headersSent) sendJson(res, 500, { message: 'Internal error of the local system' });
      else res.destroy();
    });
  });
  const port = await listen(server, host, options.port);
  const baseUrl = `http://${host}:${port}`;
  const allowedOrigins = localOrigins(baseUrl, port, options.origins);

  // The caller role: AssumeRole'd per caller with a folder-scoped session policy (by the zip worker per job,
  // with the job's policy), which the local S3 enforces (in AWS each route and the zip worker have their
  // own caller role with their grants; here one stands for all).
  const sts = createLocalSts({
    region: account.region,
    roleArn: CALLER_ROLE_ARN,
    assumers: (id) => (id === account.functionRole.accessKeyId ? account.functionRole : undefined),
    log,
  });
  // S3's notifications and the workers' retries and failure destinations, kept in the data folder until
  // they end, so that a crash loses none (local/lambda/outbox.ts).
  const invoker = new AsyncInvoker({
    retryDelaysMs: RETRY_DELAYS_MS,
    log,
    outbox: new Outbox(join(options.dataDir, DATA_ENTRIES.outbox)),
  });
  const workerFunctions = new Map<string, AsyncFunction>();
  // The quotas' usage table (dynalite, its LevelDB store in the data folder), and the users' folders'
  // object events for the usage recorder, as the stack's notification sends them (prefix `<region>:`).
  // LevelDB writes when it opens, which a full disk refuses (dynalite then throws "Database is closed"
  // where nothing catches it): on a full disk the system starts without the table.
  const diskFull = isDiskFull(options.dataDir);
  if (diskFull) log(`Usage table unavailable: ${FULL_DISK_MESSAGE}`);
  const usageTable = diskFull
    ? await unavailableUsageTable('lockbox-usage')
    : await startDynamoDb({ path: join(options.dataDir, DATA_ENTRIES.usageTable) });
  const fileEventWorkers = workers.filter((worker) => worker.fileEvents === true);
  const isUserFile = (bucket: string, key: string) =>
    bucket === account.bucket && key.startsWith(`${account.region}:`);
  const s3 = await startLocalS3({
    host,
    port: options.s3Port,
    dataDir: join(options.dataDir, DATA_ENTRIES.s3),
    region: account.region,
    buckets: [account.bucket],
    // Versioned as the stack's bucket is (modules/private-bucket.ts): deletes and overwrites can be undone.
    versionedBuckets: [account.bucket],
    // The functions' role, and the operator (admin.json), as IAM would allow both in AWS.
    lookup: (id) =>
      [account.functionRole, account.admin].find((credentials) => credentials.accessKeyId === id) ??
      sts.lookup(id),
    allowedOrigins,
    onObjectCreated: (object) => {
      for (const worker of workers) {
        const fn = workerFunctions.get(worker.handler);
        if (fn === undefined || worker.trigger === undefined || object.bucket !== account.bucket) continue;
        if (matchesFilter(object.key, worker.trigger))
          invoker.invoke(fn, objectCreatedEvent(object, account.region));
      }
      if (!isUserFile(object.bucket, object.key)) return;
      for (const worker of fileEventWorkers) {
        const fn = workerFunctions.get(worker.handler);
        if (fn !== undefined) invoker.invoke(fn, objectCreatedEvent(object, account.region));
      }
    },
    onObjectRemoved: (object) => {
      if (!isUserFile(object.bucket, object.key)) return;
      for (const worker of fileEventWorkers) {
        const fn = workerFunctions.get(worker.handler);
        if (fn !== undefined) invoker.invoke(fn, objectRemovedEvent(object, account.region));
      }
    },
    // As the stack's bucket runs them, so that expiry frees space here too (reported like S3's events).
    lifecycle: { rules: { [account.bucket]: localLifecycleRules(account.region) } },
    log,
  });

  setFunctionEnvironment(account, s3.endpoint, `${baseUrl}/sts`, allowedOrigins, usageTable);
  const handlers = new Map<string, LambdaHandler>();
  const handlerOf = (name: string) => {
    let handler = handlers.get(name);
    if (handler === undefined) {
      handler = loadHandler(join(__dirname, '..', 'handlers'), name);
      handlers.set(name, handler);
    }
    return handler;
  };
  for (const route of routes) handlerOf(route.handler);
  for (const worker of workers)
    workerFunctions.set(worker.handler, asyncFunction(worker, handlerOf, workers));
  // What the last process left unfinished: its zip archives' uploads go, its invocations run again.
  const aborted = await abortOrphanArchiveUploads({
    endpoint: s3.endpoint,
    region: account.region,
    credentials: account.functionRole,
    bucket: account.bucket,
  });
  const resumed = invoker.resume((name) => workerFunctions.get(name));
  const notified = s3.notifyUnnotified();
  if (aborted + resumed + notified > 0) {
    log(
      `Recovered: ${resumed} unfinished invocation(s) delivered again, ${notified} stored object(s) notified, ${aborted} zip upload(s) aborted`,
    );
  }
  // Once the recorder is wired, so that what expires while the system was down is counted.
  await s3.expireNow().catch((error: unknown) => log(`Lifecycle rules failed: ${(error as Error).stack}`));

  const userPool = await createUserPool({
    region: account.region,
    poolId: account.userPoolId,
    clientId: account.userPoolClientId,
    dataDir: join(options.dataDir, DATA_ENTRIES.userPool),
    adminCredentials: account.admin,
    log,
  });
  const registry = createCredentialRegistry();
  const identityPool = createIdentityPool({
    region: account.region,
    identityPoolId: account.identityPoolId,
    userPool: {
      issuer: userPool.issuer,
      clientId: account.userPoolClientId,
      poolId: account.userPoolId,
      jwks: () => userPool.jwks(),
    },
    adminCredentials: account.admin,
    registry,
    dataDir: join(options.dataDir, DATA_ENTRIES.identityPool),
    ...(options.credentialsSeconds === undefined
      ? {}
      : { credentialsTtlSeconds: options.credentialsSeconds }),
    log,
  });
  const gateway = createGateway({
    stage: STAGE,
    region: account.region,
    routes,
    resolveHandler: (route: Route) => handlerOf(route.handler) as ProxyHandler,
    registry,
    allowedOrigins,
    log,
    concurrency: new ConcurrencyLimit(CONCURRENCY, MAX_WAIT_MS),
  });
  const userPoolEndpoint = cognitoEndpoint('cognito-idp', userPool.handle, log);
  const identityPoolEndpoint = cognitoEndpoint(
    'cognito-identity',
    async (req, body, res) => identityPool.handle(req, body, res),
    log,
  );
  const jwksPath = `/${account.userPoolId}/.well-known/jwks.json`;

  const config: FrontendConfig = {
    region: account.region,
    user_pool_id: account.userPoolId,
    user_pool_client_id: account.userPoolClientId,
    identity_pool_id: account.identityPoolId,
    api_url: `${baseUrl}/${STAGE}`,
    bucket_name: account.bucket,
    user_pool_endpoint: `${baseUrl}/cognito-idp`,
    identity_pool_endpoint: `${baseUrl}/cognito-identity`,
  };
  const webApp = createWebApp({ config, connectOrigins: [s3.endpoint], log });

  serve = async (req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path === `/${STAGE}` || path.startsWith(`/${STAGE}/`)) {
      if (isWrite(req.method) && isDiskFull(options.dataDir)) return refuseFullDisk(req, res, allowedOrigins);
      return gateway.handle(req, res);
    }
    if (path === '/cognito-idp' || path === '/cognito-idp/') return userPoolEndpoint(req, res);
    if (path === '/cognito-identity' || path === '/cognito-identity/') return identityPoolEndpoint(req, res);
    if (path === '/sts' || path === '/sts/') return sts.handle(req, res);
    if (path === jwksPath && req.method === 'GET') return sendJson(res, 200, userPool.jwks());
    if (await webApp(req, res)) return;
    sendJson(res, 404, { message: 'Not found' });
  };

  // Only with a fresh account: a data folder from before demo-user.json keeps the user it has.
  const newDemoUser = created ? createDemoUser(options.dataDir) : undefined;
  const demoUser =
    newDemoUser !== undefined && (await userPool.ensureUser(newDemoUser.email, newDemoUser.password)).created
      ? newDemoUser
      : undefined;
  const paths = writeConfigFiles(options.dataDir, config, {
    ...account.admin,
    region: account.region,
    s3Endpoint: s3.endpoint,
    usageTable: { endpoint: usageTable.endpoint, tableName: usageTable.tableName },
  });

  return {
    config,
    paths,
    webUrl: `${baseUrl}/`,
    s3Endpoint: s3.endpoint,
    ...(demoUser === undefined ? {} : { demoUser }),
    expireNow: (now) => s3.expireNow(now),
    stop: async () => {
      await Promise.all([close(server), s3.stop(), usageTable.stop()]);
    },
  };
}

/**
 * What the stack sets on every function, pointed at the local S3: the handlers read it when their module
 * loads, as a Lambda does at cold start. The S3 client honours AWS_ENDPOINT_URL_S3 (DESIGN.md).
 */
function setFunctionEnvironment(
  account: LocalAccount,
  s3Endpoint: string,
  stsEndpoint: string,
  allowedOrigins: readonly string[],
  usageTable: { readonly endpoint: string; readonly tableName: string },
): void {
  Object.assign(process.env, {
    BUCKET_NAME: account.bucket,
    ALLOWED_ORIGINS: allowedOrigins.join(','),
    IDENTITY_POOL_ID: account.identityPoolId,
    CALLER_ROLE_ARN,
    AWS_ENDPOINT_URL_STS: stsEndpoint,
    AWS_REGION: account.region,
    AWS_ENDPOINT_URL_S3: s3Endpoint,
    AWS_ENDPOINT_URL_DYNAMODB: usageTable.endpoint,
    USAGE_TABLE_NAME: usageTable.tableName,
    S3_FORCE_PATH_STYLE: 'true',
    AWS_ACCESS_KEY_ID: account.functionRole.accessKeyId,
    AWS_SECRET_ACCESS_KEY: account.functionRole.secretAccessKey,
  });
  delete process.env.AWS_SESSION_TOKEN;
  delete process.env.AWS_PROFILE;
}

function asyncFunction(
  worker: Worker,
  handlerOf: (name: string) => LambdaHandler,
  all: readonly Worker[],
): AsyncFunction {
  const onFailure = all.find((other) => other.handler === worker.async?.onFailure);
  return {
    name: worker.handler,
    handler: handlerOf(worker.handler),
    timeoutSeconds: worker.timeoutSeconds,
    memoryMiB: worker.memoryMiB,
    maxRetryAttempts: worker.async?.maxRetryAttempts ?? 0,
    ...(onFailure === undefined ? {} : { onFailure: asyncFunction(onFailure, handlerOf, all) }),
  };
}

function isWrite(method: string | undefined): boolean {
  return method !== 'GET' && method !== 'HEAD' && method !== 'OPTIONS';
}

/** 507, in the API's error shape, readable by an allowed browser origin (full-disk.ts). */
function refuseFullDisk(req: IncomingMessage, res: ServerResponse, allowedOrigins: readonly string[]): void {
  const origin = req.headers.origin;
  const cors: Record<string, string> =
    origin !== undefined && allowedOrigins.includes(origin)
      ? { 'Access-Control-Allow-Origin': origin, Vary: 'Origin' }
      : {};
  req.resume();
  sendJson(res, 507, { error: { code: 'InsufficientStorage', message: FULL_DISK_MESSAGE } }, cors);
}

function listen(server: Server, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve((server.address() as AddressInfo).port));
  });
}

function close(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
