import type { S3Client, S3ClientConfig } from '@aws-sdk/client-s3';
import { STSClient } from '@aws-sdk/client-sts';
import {
  ALLOWED_ORIGINS,
  BUCKET_KEY_ARN,
  BUCKET_NAME,
  CALLER_ROLE_ARN,
  IDENTITY_POOL_ID,
} from '../../../contract/settings';
import { type IdentityId, isIdentityId } from '../files/keys';
import { callerRecorder } from '../http/caller-record';
import type { HttpOptions } from '../http/handler';
import { type CallerCredentials, callerSessions, scopedSessions } from '../s3/caller-session';
import { createS3Client } from '../s3/client';
import type { JobRef } from '../zip/jobs/job-keys';
import { zipJobScope } from '../zip/jobs/session';
import { readList, readOptionalText, readText } from './env';
import type { LogSink } from './log-line';

/**
 * What a function needs from the outside world, built once per cold start from the settings table, so
 * that a missing setting fails the function's init, not a request or a job. Tests hand in their own.
 * Limits are not deps: a handler that has some takes them as its factory's second argument.
 */

/** A function outside the API whose own role reaches only its records (usage check, transfer worker). */
export interface WorkerDeps {
  readonly s3: S3Client;
  readonly bucket: string;
  /** Where the one JSON log line per job goes. @default logLine */
  readonly log?: LogSink;
}

/**
 * The zip worker and its failure handler. Every S3 call of a job (its records and slot, reading the
 * sources, writing the archive) goes through `s3ForJob(job)`: credentials of a session whose policy
 * names only the owner's folder and zip area and the job's archive (lib/zip/jobs/session.ts), so that a
 * source key outside the owner's folder, or another user's records, are refused by S3 itself. The
 * functions' own roles have no S3 access.
 */
export interface ZipWorkerDeps {
  readonly bucket: string;
  readonly s3ForJob: (job: JobRef) => S3Client;
  /** Where the one JSON log line per job goes. @default logLine */
  readonly log?: LogSink;
}

/**
 * The transfer worker: a job's copies go through `s3ForCaller(owner)`, the same folder-scoped session a
 * route has; `s3` keeps the function's own role for the job's records.
 */
export interface TransferWorkerDeps extends WorkerDeps {
  readonly s3ForCaller: (identityId: IdentityId) => S3Client;
}

/** A route's handler. */
export interface HandlerDeps {
  /** The function's own role: it may only create caller records (users/, caller-record.ts). */
  readonly s3: S3Client;
  readonly bucket: string;
  readonly http: HttpOptions;
}

/**
 * A route that reaches the caller's files, zip area or upload plans (the route table's grants). Those S3
 * calls, and the URLs it signs for them, must go through `s3ForCaller(identityId)`: credentials of a
 * session whose policy names only `<identityId>/`, `zip/<identityId>/` and `uploads/<identityId>/`
 * (lib/s3/caller-session.ts), so that even a key built wrongly cannot leave what is the caller's.
 */
export interface CallerDeps extends HandlerDeps {
  /** The caller's folder-scoped S3 client; one per identity, its session cached while warm. */
  readonly s3ForCaller: (identityId: IdentityId) => S3Client;
}

/** POST /uploads and POST /uploads/parts, which also sign upload URLs. */
export interface UploadDeps extends CallerDeps {
  /**
   * Signs the upload URLs with the caller's folder-scoped session. It must not add checksums
   * (requestChecksumCalculation 'WHEN_REQUIRED'): with the SDK's default, every URL would carry the CRC32
   * of an empty body.
   */
  readonly presignerForCaller: (identityId: IdentityId) => S3Client;
}

export function workerDepsFromEnv(): WorkerDeps {
  return { s3: createS3Client(), bucket: readText(BUCKET_NAME) };
}

export function zipWorkerDepsFromEnv(): ZipWorkerDeps {
  const bucket = readText(BUCKET_NAME);
  const credentialsFor = scopedSessions({
    sts: new STSClient({}),
    roleArn: readText(CALLER_ROLE_ARN),
    bucketKeyArn: readBucketKeyArn(),
  });
  // Its connections, shared by the clients of every job.
  const requestHandler = createS3Client().config.requestHandler;
  return {
    bucket,
    // A client per job (its session is the job's).
    s3ForJob: (job) =>
      createS3Client({ requestHandler, credentials: () => credentialsFor(zipJobScope(bucket, job)) }),
  };
}

export function transferWorkerDepsFromEnv(): TransferWorkerDeps {
  const deps = workerDepsFromEnv();
  return { ...deps, s3ForCaller: callerClients(callerCredentialsFromEnv(deps.bucket), {}) };
}

export function depsFromEnv(): HandlerDeps {
  const s3 = createS3Client();
  const bucket = readText(BUCKET_NAME);
  return {
    s3,
    bucket,
    http: {
      allowedOrigins: readList(ALLOWED_ORIGINS),
      identityPoolId: readIdentityPoolId(),
      recordCaller: callerRecorder(s3, bucket),
    },
  };
}

/** An identity pool id has an identity id's shape, `<region>:<uuid>`; anything else fails the init. */
function readIdentityPoolId(): string {
  const id = readText(IDENTITY_POOL_ID);
  if (!isIdentityId(id)) throw new Error(`${IDENTITY_POOL_ID.variable} is not an identity pool id: "${id}"`);
  return id;
}

export function callerDepsFromEnv(): CallerDeps {
  const deps = depsFromEnv();
  return { ...deps, s3ForCaller: callerClients(callerCredentialsFromEnv(deps.bucket), {}) };
}

export function uploadDepsFromEnv(): UploadDeps {
  const deps = depsFromEnv();
  // One session per caller serves both clients.
  const credentialsFor = callerCredentialsFromEnv(deps.bucket);
  return {
    ...deps,
    s3ForCaller: callerClients(credentialsFor, {}),
    presignerForCaller: callerClients(credentialsFor, { requestChecksumCalculation: 'WHEN_REQUIRED' }),
  };
}

/** Sessions of the route's caller role (CALLER_ROLE_ARN); the SDK finds STS as it finds S3. */
function callerCredentialsFromEnv(bucket: string): CallerCredentials {
  return callerSessions({
    sts: new STSClient({}),
    roleArn: readText(CALLER_ROLE_ARN),
    bucket,
    bucketKeyArn: readBucketKeyArn(),
  });
}

/** The bucket's KMS key when it has one; anything but a key's ARN fails the init. */
function readBucketKeyArn(): string | undefined {
  const arn = readOptionalText(BUCKET_KEY_ARN);
  if (arn !== undefined && !/^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/[A-Za-z0-9-]+$/.test(arn)) {
    throw new Error(`${BUCKET_KEY_ARN.variable} is not a KMS key ARN: "${arn}"`);
  }
  return arn;
}

/** At most this many callers' clients are kept by one warm function; the oldest is dropped first. */
const MAX_CACHED_CLIENTS = 1000;

/** One S3 client per caller, whose credentials are the caller's session (fetched at its first call); `config` adds e.g. the endpoint. */
export function callerClients(
  credentialsFor: CallerCredentials,
  config: S3ClientConfig,
): (identityId: IdentityId) => S3Client {
  const clients = new Map<string, S3Client>();
  return (identityId) => {
    let client = clients.get(identityId);
    if (client === undefined) {
      client = createS3Client({ ...config, credentials: () => credentialsFor(identityId) });
      clients.set(identityId, client);
      if (clients.size > MAX_CACHED_CLIENTS) clients.delete(clients.keys().next().value as string);
    }
    return client;
  };
}
