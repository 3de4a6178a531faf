import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';
import { STSClient } from '@aws-sdk/client-sts';
import { callerSessions, scopedSessions } from '../handlers/lib/s3/caller-session';
import { type CallerDeps, callerClients, type ZipWorkerDeps } from '../handlers/lib/wiring/deps';
import type { LogSink } from '../handlers/lib/wiring/log-line';
import { zipJobScope } from '../handlers/lib/zip/jobs/session';
import { startLocalS3 } from '../local/s3';
import { createLocalSts } from '../local/sts/sts';

/**
 * The local S3 and the local STS on 127.0.0.1 (free ports), wired as local mode wires them: the
 * functions' role may AssumeRole the caller role, and the S3 enforces the sessions' policies. For tests
 * and benchmarks of the folder-scoped credentials (handlers/lib/s3/caller-session.ts).
 */
export interface ScopedS3 {
  readonly bucket: string;
  readonly region: string;
  readonly s3Endpoint: string;
  readonly stsEndpoint: string;
  /** A client with the functions' role, which (locally) may do anything in the bucket. */
  readonly functionClient: S3Client;
  /** Deps whose `s3ForCaller` goes through STS sessions, and `s3` is the functions' role. */
  callerDeps(http: CallerDeps['http']): CallerDeps;
  /** The zip worker's deps: `s3ForJob` goes through a job's STS session. */
  zipWorkerDeps(log: LogSink): ZipWorkerDeps;
  /** AssumeRole calls answered so far. */
  assumeRoleCalls(): number;
  stop(): Promise<void>;
}

const REGION = 'eu-west-1';
const BUCKET = 'lockbox-scoped';
const ROLE_ARN = 'arn:aws:iam::000000000000:role/lockbox-local-caller';
const FUNCTION_ROLE = { accessKeyId: 'AKIALOCALFUNCTION', secretAccessKey: 'local-function-secret' };

export async function startScopedS3(dataDir: string): Promise<ScopedS3> {
  let calls = 0;
  const sts = createLocalSts({
    region: REGION,
    roleArn: ROLE_ARN,
    assumers: (id) => (id === FUNCTION_ROLE.accessKeyId ? FUNCTION_ROLE : undefined),
    log: (line) => {
      if (line.startsWith('POST sts 200')) calls++;
    },
  });
  const stsServer = createServer((req, res) => void sts.handle(req, res));
  await new Promise<void>((resolve) => stsServer.listen(0, '127.0.0.1', resolve));
  const stsEndpoint = `http://127.0.0.1:${(stsServer.address() as AddressInfo).port}`;
  const s3 = await startLocalS3({
    port: 0,
    dataDir,
    region: REGION,
    buckets: [BUCKET],
    // Versioned as the stack's bucket is, for the undo routes (versions, deleted files, restore).
    versionedBuckets: [BUCKET],
    lookup: (id) => (id === FUNCTION_ROLE.accessKeyId ? FUNCTION_ROLE : sts.lookup(id)),
    allowedOrigins: [],
  });
  const clientConfig: S3ClientConfig = { endpoint: s3.endpoint, region: REGION, forcePathStyle: true };
  const clients: { destroy(): void }[] = [];
  const functionClient = new S3Client({ ...clientConfig, credentials: FUNCTION_ROLE });
  clients.push(functionClient);
  return {
    bucket: BUCKET,
    region: REGION,
    s3Endpoint: s3.endpoint,
    stsEndpoint,
    functionClient,
    callerDeps(http) {
      const stsClient = new STSClient({ endpoint: stsEndpoint, region: REGION, credentials: FUNCTION_ROLE });
      clients.push(stsClient);
      const credentialsFor = callerSessions({ sts: stsClient, roleArn: ROLE_ARN, bucket: BUCKET });
      return {
        s3: functionClient,
        bucket: BUCKET,
        http,
        s3ForCaller: callerClients(credentialsFor, clientConfig),
      };
    },
    zipWorkerDeps(log) {
      const stsClient = new STSClient({ endpoint: stsEndpoint, region: REGION, credentials: FUNCTION_ROLE });
      clients.push(stsClient);
      const credentialsFor = scopedSessions({ sts: stsClient, roleArn: ROLE_ARN });
      return {
        bucket: BUCKET,
        log,
        s3ForJob: (job) => {
          const client = new S3Client({
            ...clientConfig,
            credentials: () => credentialsFor(zipJobScope(BUCKET, job)),
          });
          clients.push(client);
          return client;
        },
      };
    },
    assumeRoleCalls: () => calls,
    async stop() {
      for (const client of clients) client.destroy();
      await s3.stop();
      await new Promise<void>((resolve) => {
        stsServer.close(() => resolve());
        stsServer.closeAllConnections();
      });
    },
  };
}
