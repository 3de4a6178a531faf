/**
 * The settings table: every value that reaches a function as an environment variable, declared once.
 * The stack builds each function's environment from it (only the functions a setting names get it),
 * and the handlers read and check each value from it at cold start (handlers/lib/wiring/env.ts).
 *
 * Each setting is its own export, so that a handler's bundle holds only the settings it reads (the infra
 * tests find the names a bundle reads in its code); `settings` lists them all for the stack.
 */
import { MAX_PART_BYTES, MAX_SINGLE_PUT_BYTES, MIN_PART_BYTES } from './s3-limits';

// Values are computed here, never inside a declaration: a bundle keeps every declaration whose fields
// compute (arithmetic, a property read), and the infra tests check that a bundle names only the settings
// its handler reads.
const MiB = 1024 * 1024;
const GiB = 1024 * MiB;
const MiB_4 = 4 * MiB;
const MiB_16 = 16 * MiB;
const GiB_5 = 5 * GiB;
const GiB_20 = 20 * GiB;
const GiB_10 = 10 * GiB;
const ANY_SIZE = Number.MAX_SAFE_INTEGER;

/**
 * Which functions get a setting: a list of handler names, every route's, every function's, or those whose
 * entry in the route table (contract/routes.ts) grants usage-table access or a caller role
 * (contract/function-settings.ts decides).
 */
export type ReadBy =
  | readonly string[]
  | 'every route'
  | 'every function'
  | 'every function with usage-table access'
  | 'every function with a caller role';

export interface TextSetting {
  readonly kind: 'text';
  readonly variable: string;
  readonly readBy: ReadBy;
}

/** A comma-separated list; items are trimmed, empty ones dropped. */
export interface ListSetting {
  readonly kind: 'list';
  readonly variable: string;
  readonly readBy: ReadBy;
}

/** An integer limit, also a field of the environments' `limits` (stacks/environments.ts). */
export interface IntegerSetting {
  readonly kind: 'integer';
  readonly variable: string;
  /** Its name in an environment's `limits`. */
  readonly limit: string;
  readonly default: number;
  readonly min: number;
  readonly max: number;
  readonly readBy: ReadBy;
}

export type Setting = TextSetting | ListSetting | IntegerSetting;

/** The bucket of users' files; set together with the function's S3 grant (modules/handler-function.ts). */
export const BUCKET_NAME = {
  kind: 'text',
  variable: 'BUCKET_NAME',
  readBy: 'every function',
} as const satisfies TextSetting;

/** Browser origins whose requests get CORS headers; the workers answer no browser. */
export const ALLOWED_ORIGINS = {
  kind: 'list',
  variable: 'ALLOWED_ORIGINS',
  readBy: 'every route',
} as const satisfies ListSetting;

/**
 * The largest file sent through the API. The contract says 5 MiB, but Lambda refuses synchronous payloads
 * above 6 MB and API Gateway base64-encodes binary bodies (+33 %), so a body above about 4.4 MB would
 * fail in AWS before reaching us, with a 5xx instead of a 413. 4 MiB keeps every refusal a clean 413;
 * larger files go through POST /uploads. The limit can be lowered but not raised.
 */
export const MAX_PUT_FILE_BYTES = MiB_4;

/** Largest body of `PUT /file`, in bytes. */
export const PUT_FILE_MAX_BYTES = {
  kind: 'integer',
  variable: 'PUT_FILE_MAX_BYTES',
  limit: 'putFileMaxBytes',
  default: MAX_PUT_FILE_BYTES,
  min: 1,
  max: MAX_PUT_FILE_BYTES,
  readBy: ['put-file'],
} as const satisfies IntegerSetting;

/**
 * At most this many part URLs in one response. A URL is up to ~4.4 KB (a 1024-byte non-ASCII key
 * percent-encoded, plus the Lambda role's session token): 1000 of them measured 4.2 MiB, too near Lambda's
 * 6 MB response limit; 500 stay near 2 MiB. Larger files get larger parts instead.
 */
export const MAX_PARTS_PER_UPLOAD = 500;
const MAX_UPLOAD_BYTES = MAX_PARTS_PER_UPLOAD * MAX_PART_BYTES;

/** Largest file `POST /uploads` accepts, in bytes; above it POST /uploads answers 413. */
export const UPLOAD_MAX_FILE_BYTES = {
  kind: 'integer',
  variable: 'UPLOAD_MAX_FILE_BYTES',
  limit: 'uploadMaxFileBytes',
  default: GiB_5,
  min: 1,
  max: MAX_UPLOAD_BYTES,
  readBy: ['create-upload'],
} as const satisfies IntegerSetting;

/** Files up to this size get one presigned PUT; larger ones a multipart upload. */
export const UPLOAD_MULTIPART_THRESHOLD_BYTES = {
  kind: 'integer',
  variable: 'UPLOAD_MULTIPART_THRESHOLD_BYTES',
  limit: 'multipartThresholdBytes',
  default: MiB_16,
  min: MIN_PART_BYTES,
  max: MAX_SINGLE_PUT_BYTES,
  readBy: ['create-upload'],
} as const satisfies IntegerSetting;

/** The size of every part of a multipart upload but the last (raised for very large files). */
export const UPLOAD_PART_BYTES = {
  kind: 'integer',
  variable: 'UPLOAD_PART_BYTES',
  limit: 'uploadPartBytes',
  default: MiB_16,
  min: MIN_PART_BYTES,
  max: MAX_PART_BYTES,
  readBy: ['create-upload'],
} as const satisfies IntegerSetting;

/** Files in one zip, after folders are expanded and duplicates dropped. */
export const ZIP_MAX_FILES = {
  kind: 'integer',
  variable: 'ZIP_MAX_FILES',
  limit: 'zipMaxFiles',
  default: 10_000,
  min: 1,
  max: 1_000_000,
  readBy: ['create-zip'],
} as const satisfies IntegerSetting;

/**
 * Bytes of all files of one zip together. 20 GiB: what one worker run can stream well within Lambda's
 * 15 minutes even at a conservative 40 MiB/s (about 8.5 minutes). Raise it only with the deployed
 * worker's measured throughput to back it.
 */
export const ZIP_MAX_BYTES = {
  kind: 'integer',
  variable: 'ZIP_MAX_BYTES',
  limit: 'zipMaxBytes',
  default: GiB_20,
  min: 1,
  max: ANY_SIZE,
  readBy: ['create-zip'],
} as const satisfies IntegerSetting;

/**
 * Zip jobs one user may have pending or running at once; `POST /zips` answers 429 beyond it. Each is a
 * slot object the job holds until it ends (handlers/lib/zip/jobs/job-slots.ts), and taking one reads them
 * all, so the cap stays small.
 */
export const ZIP_MAX_ACTIVE_JOBS = {
  kind: 'integer',
  variable: 'ZIP_MAX_ACTIVE_JOBS',
  limit: 'zipMaxActiveJobs',
  default: 3,
  min: 1,
  max: 20,
  readBy: ['create-zip'],
} as const satisfies IntegerSetting;

/**
 * How long a zip job may wait in Lambda's asynchronous queue (the worker's maximum event age) before it
 * is given up and failed; Lambda allows 60..21600 s. Pending jobs older than this (plus a margin) are
 * reported failed and free their slot (handlers/lib/zip/jobs/job-records.ts, isStale).
 */
export const ZIP_QUEUE_TIMEOUT_SECONDS = {
  kind: 'integer',
  variable: 'ZIP_QUEUE_TIMEOUT_SECONDS',
  limit: 'zipQueueTimeoutSeconds',
  default: 3600,
  min: 60,
  max: 21600,
  readBy: ['create-zip', 'get-zip', 'list-zips', 'zip-worker'],
} as const satisfies IntegerSetting;

/**
 * Per-caller rate limits of the expensive routes (handlers/lib/rate-limit/limiter.ts): requests per
 * minute, each caller's bucket holding a minute's worth; beyond it the route answers 429 with
 * Retry-After. Independent of API Gateway's throttles, which count all callers together.
 */
export const ZIP_REQUESTS_PER_MINUTE = {
  kind: 'integer',
  variable: 'ZIP_REQUESTS_PER_MINUTE',
  limit: 'zipRequestsPerMinute',
  default: 10,
  min: 1,
  max: 600,
  readBy: ['create-zip'],
} as const satisfies IntegerSetting;

export const DELETE_REQUESTS_PER_MINUTE = {
  kind: 'integer',
  variable: 'DELETE_REQUESTS_PER_MINUTE',
  limit: 'deleteRequestsPerMinute',
  default: 60,
  min: 1,
  max: 6000,
  readBy: ['delete-files'],
} as const satisfies IntegerSetting;

/** One per file uploaded: a folder of small files is many requests, hence the higher default. */
export const UPLOAD_REQUESTS_PER_MINUTE = {
  kind: 'integer',
  variable: 'UPLOAD_REQUESTS_PER_MINUTE',
  limit: 'uploadRequestsPerMinute',
  default: 600,
  min: 1,
  max: 60_000,
  readBy: ['create-upload'],
} as const satisfies IntegerSetting;

/** The DynamoDB table of users' usage (docs/quotas.md); set together with the table's grant. */
export const USAGE_TABLE_NAME = {
  kind: 'text',
  variable: 'USAGE_TABLE_NAME',
  readBy: 'every function with usage-table access',
} as const satisfies TextSetting;

/** Bytes of files one user may keep (uploads in progress count until they end); docs/quotas.md. */
export const QUOTA_BYTES = {
  kind: 'integer',
  variable: 'QUOTA_BYTES',
  limit: 'quotaBytes',
  default: GiB_10,
  min: 1,
  max: ANY_SIZE,
  readBy: [
    'put-file',
    'create-upload',
    'complete-upload',
    'get-usage',
    'restore-files',
    'copy-files',
    'transfer-worker',
  ],
} as const satisfies IntegerSetting;

/**
 * This stack's identity pool (`<region>:<uuid>`): a route serves only its authenticated identities
 * (handlers/lib/http/identity.ts). The stack sets it from the pool it creates.
 */
export const IDENTITY_POOL_ID = {
  kind: 'text',
  variable: 'IDENTITY_POOL_ID',
  readBy: 'every route',
} as const satisfies TextSetting;

/**
 * The role a route assumes, with a session policy naming only the caller's own prefixes, for every S3
 * call on the caller's files, zip area and upload plans (handlers/lib/s3/caller-session.ts). Each such
 * route has its own role, holding the route's grants there; the stack sets it with the role
 * (HandlerFunction.actForCallers). The zip worker and zip-failed have one too, assumed per job
 * (handlers/lib/zip/jobs/session.ts).
 */
export const CALLER_ROLE_ARN = {
  kind: 'text',
  variable: 'CALLER_ROLE_ARN',
  readBy: 'every function with a caller role',
} as const satisfies TextSetting;

/**
 * The customer-managed KMS key of the bucket's objects (SSE-KMS), set with CALLER_ROLE_ARN only when the
 * environment has one (`controls.customerManagedKey`): each session policy then allows the key's use
 * through S3, as the caller role does (lib/s3/caller-session.ts). Unset, no KMS statement: local mode and
 * environments without the key.
 */
export const BUCKET_KEY_ARN = {
  kind: 'text',
  variable: 'BUCKET_KEY_ARN',
  readBy: 'every function with a caller role',
} as const satisfies TextSetting;

/** The limits, in the order the stack sets them. */
export const limitSettings = [
  PUT_FILE_MAX_BYTES,
  UPLOAD_MAX_FILE_BYTES,
  UPLOAD_MULTIPART_THRESHOLD_BYTES,
  UPLOAD_PART_BYTES,
  ZIP_MAX_FILES,
  ZIP_MAX_BYTES,
  ZIP_MAX_ACTIVE_JOBS,
  ZIP_QUEUE_TIMEOUT_SECONDS,
  QUOTA_BYTES,
  ZIP_REQUESTS_PER_MINUTE,
  DELETE_REQUESTS_PER_MINUTE,
  UPLOAD_REQUESTS_PER_MINUTE,
] as const;

/** Every setting: listed, not spread from limitSettings, since a spread would stay in every bundle. */
export const settings: readonly Setting[] = [
  BUCKET_NAME,
  ALLOWED_ORIGINS,
  PUT_FILE_MAX_BYTES,
  UPLOAD_MAX_FILE_BYTES,
  UPLOAD_MULTIPART_THRESHOLD_BYTES,
  UPLOAD_PART_BYTES,
  ZIP_MAX_FILES,
  ZIP_MAX_BYTES,
  ZIP_MAX_ACTIVE_JOBS,
  ZIP_QUEUE_TIMEOUT_SECONDS,
  USAGE_TABLE_NAME,
  QUOTA_BYTES,
  ZIP_REQUESTS_PER_MINUTE,
  DELETE_REQUESTS_PER_MINUTE,
  UPLOAD_REQUESTS_PER_MINUTE,
  IDENTITY_POOL_ID,
  CALLER_ROLE_ARN,
  BUCKET_KEY_ARN,
];

/** An environment's limits: one integer per limit setting, by its `limit` name. */
export type Limits = { readonly [S in (typeof limitSettings)[number] as S['limit']]: number };
