/**
 * The route table: the one source from which the stack builds API resources, functions and their IAM,
 * the local server mounts routes, and the OpenAPI document is checked.
 */
import { TRANSFERS_PREFIX, ZIPS_PREFIX } from './bucket-layout';
import type { Limits } from './settings';

/**
 * Where in the bucket a grant applies: users' own folders, the zip area, the plans of multipart uploads
 * (handlers/lib/uploads/plans.ts), the users' records (`users/`), or the records of copy and move jobs
 * (`transfers/`, handlers/lib/transfers/jobs.ts).
 */
export type S3Scope = 'user-files' | 'zips' | 'upload-plans' | 'user-records' | 'transfers';

/**
 * The scopes a function reaches with its own role: the caller records and the transfer jobs' records
 * (named by job id, written and read only by the transfer code). Every other scope is a caller's own
 * prefix, reached only in a session scoped to it (docs/security.md, layer 3).
 */
export const OWN_ROLE_SCOPES: readonly S3Scope[] = ['user-records', 'transfers'];

export type S3Action =
  | 's3:GetObject'
  | 's3:PutObject'
  | 's3:DeleteObject'
  | 's3:DeleteObjectVersion'
  | 's3:ListBucket'
  | 's3:AbortMultipartUpload'
  | 's3:ListMultipartUploadParts'
  | 's3:ListBucketVersions'
  | 's3:GetObjectVersion'
  | 's3:GetObjectAttributes';

export interface S3Grant {
  readonly scope: S3Scope;
  readonly actions: readonly S3Action[];
  /** Only writes that create an object (If-None-Match: *), never ones that replace it. @default false */
  readonly createOnly?: boolean;
}

/**
 * What every route's function may do besides its route's own grants: create, never replace, its callers'
 * records `users/<sub>.json` (handlers/lib/http/caller-record.ts), which the admin CLI reads.
 */
export const CALLER_RECORD_GRANT: S3Grant = {
  scope: 'user-records',
  actions: ['s3:PutObject'],
  createOnly: true,
};

/**
 * Access to the usage table (docs/quotas.md): the whole table, since IAM's dynamodb:LeadingKeys can
 * narrow a grant to the caller's items only for web-identity principals, never for a Lambda role.
 */
export type UsageAction = 'dynamodb:GetItem' | 'dynamodb:UpdateItem' | 'dynamodb:Scan';

export type HttpMethod = 'GET' | 'PUT' | 'POST' | 'DELETE';

export interface Route {
  readonly method: HttpMethod;
  /** Relative to the stage, as in the API contract; `{name}` is a path parameter. */
  readonly path: string;
  /** The handler file `handlers/<handler>.ts`, which exports `handler(event, context)`. */
  readonly handler: string;
  /**
   * Exactly the S3 access the handler needs. Grants on users' files, the zip area and upload plans go to
   * its caller role (used only in sessions scoped to the caller's own prefixes); its function's role gets
   * only the user-records grants (and CALLER_RECORD_GRANT).
   */
  readonly s3: readonly S3Grant[];
  /** For a handler that needs more than the default memory (and so CPU). @default ROUTE_DEFAULTS.memoryMiB */
  readonly memoryMiB?: number;
  /** Exactly the usage-table access the handler needs. @default none */
  readonly usage?: readonly UsageAction[];
  /** At most INTEGRATION_TIMEOUT_SECONDS. @default ROUTE_DEFAULTS.timeoutSeconds */
  readonly timeoutSeconds?: number;
}

/** API Gateway answers 504 after this long, whatever the function does. */
export const INTEGRATION_TIMEOUT_SECONDS = 29;

/**
 * A route's function unless its entry says otherwise: 256 MiB, and 10 s, well below the integration
 * timeout so that the caller gets the handler's own answer.
 */
export const ROUTE_DEFAULTS = { memoryMiB: 256, timeoutSeconds: 10 } as const;

/** A route's function's timeout and memory, its defaults applied. */
export function routeSize(route: Route): { readonly timeoutSeconds: number; readonly memoryMiB: number } {
  return {
    timeoutSeconds: route.timeoutSeconds ?? ROUTE_DEFAULTS.timeoutSeconds,
    memoryMiB: route.memoryMiB ?? ROUTE_DEFAULTS.memoryMiB,
  };
}

export const routes: readonly Route[] = [
  {
    method: 'GET',
    path: '/files',
    handler: 'list-files',
    s3: [{ scope: 'user-files', actions: ['s3:ListBucket'] }],
  },
  {
    method: 'GET',
    path: '/file',
    handler: 'get-file',
    // HeadObject is s3:GetObject; ListBucket proves S3's 403 a missing key (handlers/lib/s3/absent.ts).
    s3: [{ scope: 'user-files', actions: ['s3:GetObject', 's3:ListBucket'] }],
  },
  {
    method: 'PUT',
    path: '/file',
    handler: 'put-file',
    s3: [{ scope: 'user-files', actions: ['s3:PutObject'] }],
    // Reserves the body's size within the quota; reads reservations to release a failed write's.
    usage: ['dynamodb:GetItem', 'dynamodb:UpdateItem'],
  },
  {
    method: 'DELETE',
    path: '/file',
    handler: 'delete-file',
    s3: [
      // ?versionId=: the key's version listing tells a noncurrent version from the current one, which is
      // then deleted for good (DeleteObject with a version id is s3:DeleteObjectVersion).
      {
        scope: 'user-files',
        actions: ['s3:DeleteObject', 's3:ListBucketVersions', 's3:DeleteObjectVersion'],
      },
    ],
  },
  {
    method: 'POST',
    path: '/files/delete',
    handler: 'delete-files',
    // ListBucket to find a folder's files; DeleteObjects is authorised as s3:DeleteObject per key.
    s3: [{ scope: 'user-files', actions: ['s3:DeleteObject', 's3:ListBucket'] }],
    // The caller's rate limit (handlers/lib/rate-limit/limiter.ts).
    usage: ['dynamodb:UpdateItem'],
  },
  {
    method: 'POST',
    path: '/uploads',
    handler: 'create-upload',
    s3: [
      // CreateMultipartUpload, and the PutObject/UploadPart URLs it signs, are all s3:PutObject; HeadObject
      // (s3:GetObject) tells a new file (a single PUT URL) from one it replaces (always multipart).
      { scope: 'user-files', actions: ['s3:PutObject', 's3:GetObject'] },
      // Records a multipart upload's plan (size, part size) for POST /uploads/parts.
      { scope: 'upload-plans', actions: ['s3:PutObject'] },
      // Aborts a multipart upload whose size the quota refused before any URL was signed.
      { scope: 'user-files', actions: ['s3:AbortMultipartUpload'] },
    ],
    usage: ['dynamodb:GetItem', 'dynamodb:UpdateItem'],
  },
  {
    method: 'POST',
    path: '/uploads/parts',
    handler: 'sign-upload-parts',
    s3: [
      // The UploadPart URLs it signs are s3:PutObject; ListParts checks that the upload is open.
      { scope: 'user-files', actions: ['s3:PutObject', 's3:ListMultipartUploadParts'] },
      // Reads the upload's plan: the size each part URL signs (ListBucket proves a 403 a missing plan).
      { scope: 'upload-plans', actions: ['s3:GetObject', 's3:ListBucket'] },
    ],
  },
  {
    method: 'GET',
    path: '/uploads',
    handler: 'list-upload-parts',
    s3: [
      { scope: 'user-files', actions: ['s3:ListMultipartUploadParts'] },
      // Reads the upload's plan: its size and part size (ListBucket proves a 403 a missing plan).
      { scope: 'upload-plans', actions: ['s3:GetObject', 's3:ListBucket'] },
    ],
  },
  {
    method: 'POST',
    path: '/uploads/complete',
    handler: 'complete-upload',
    // CompleteMultipartUpload is s3:PutObject; the HeadObject that reports the size is s3:GetObject.
    s3: [
      { scope: 'user-files', actions: ['s3:PutObject', 's3:GetObject', 's3:ListBucket'] },
      // The plan's size, reserved again if the upload's reservation lapsed (ListBucket proves a 403 a missing plan).
      { scope: 'upload-plans', actions: ['s3:GetObject', 's3:ListBucket'] },
    ],
    usage: ['dynamodb:GetItem', 'dynamodb:UpdateItem'],
  },
  {
    method: 'POST',
    path: '/uploads/abort',
    handler: 'abort-upload',
    s3: [{ scope: 'user-files', actions: ['s3:AbortMultipartUpload'] }],
    // Releases the upload's reservation.
    usage: ['dynamodb:GetItem', 'dynamodb:UpdateItem'],
  },
  {
    method: 'POST',
    path: '/zips',
    handler: 'create-zip',
    s3: [
      // ListBucket expands folders; HeadObject (each file's size) is GetObject.
      { scope: 'user-files', actions: ['s3:ListBucket', 's3:GetObject'] },
      // Writes the job; reads and conditionally rewrites the caller's slots and Idempotency-Key records,
      // and the statuses of the jobs holding slots (handlers/lib/zip/jobs/job-slots.ts); ListBucket proves
      // a 403 a missing one.
      { scope: 'zips', actions: ['s3:PutObject', 's3:GetObject', 's3:ListBucket'] },
    ],
    // The caller's rate limit (handlers/lib/rate-limit/limiter.ts).
    usage: ['dynamodb:UpdateItem'],
    // Checks up to 1,000 keys (HeadObject, listings) within the request: CPU scales with memory.
    memoryMiB: 512,
  },
  {
    method: 'GET',
    path: '/zips/{id}',
    handler: 'get-zip',
    s3: [
      // GetObject reads status.json and signs the archive's URL; ListBucket proves a 403 an unknown job.
      { scope: 'zips', actions: ['s3:GetObject', 's3:ListBucket'] },
    ],
  },
  {
    method: 'GET',
    path: '/files/deleted',
    handler: 'list-deleted-files',
    s3: [{ scope: 'user-files', actions: ['s3:ListBucketVersions'] }],
  },
  {
    method: 'GET',
    path: '/file/versions',
    handler: 'list-file-versions',
    s3: [{ scope: 'user-files', actions: ['s3:ListBucketVersions'] }],
  },
  {
    method: 'POST',
    path: '/files/restore',
    handler: 'restore-files',
    s3: [
      // Reading a version's first byte (its size, and S3's code if it is absent) and copying from it are
      // s3:GetObjectVersion; CopyObject (versions up to 5 GiB only) is s3:PutObject. ListBucketVersions
      // proves a 403 a missing version.
      { scope: 'user-files', actions: ['s3:GetObjectVersion', 's3:PutObject', 's3:ListBucketVersions'] },
    ],
    // Holds each restore's bytes in the caller's quota before the copy, as PUT /file does.
    usage: ['dynamodb:GetItem', 'dynamodb:UpdateItem'],
    timeoutSeconds: 29,
  },
  {
    method: 'POST',
    path: '/files/copy',
    handler: 'copy-files',
    s3: [
      // HeadObject (GetObject) checks a file and its destination; ListBucket a folder and whether its
      // destination is empty; CopyObject reads its source (GetObject) and writes (PutObject). Copies above
      // INLINE_MAX_BYTES, which alone need a multipart copy, are the worker's.
      { scope: 'user-files', actions: ['s3:GetObject', 's3:ListBucket', 's3:PutObject'] },
      // Records a background job (status, then the request that starts the worker).
      { scope: 'transfers', actions: ['s3:PutObject'] },
    ],
    // Holds each copy's bytes in the caller's quota before S3 copies it.
    usage: ['dynamodb:GetItem', 'dynamodb:UpdateItem'],
    timeoutSeconds: 29,
  },
  {
    method: 'POST',
    path: '/files/move',
    handler: 'move-files',
    s3: [
      // As POST /files/copy, and DeleteObject(s) of each copied source. A move adds no bytes: no quota.
      { scope: 'user-files', actions: ['s3:GetObject', 's3:ListBucket', 's3:PutObject', 's3:DeleteObject'] },
      { scope: 'transfers', actions: ['s3:PutObject'] },
    ],
    timeoutSeconds: 29,
  },
  {
    method: 'GET',
    path: '/transfers/{id}',
    handler: 'get-transfer',
    s3: [{ scope: 'transfers', actions: ['s3:GetObject'] }],
  },
  {
    method: 'GET',
    path: '/zips',
    handler: 'list-zips',
    // Lists the caller's job index (zip/<identityId>/index/) and reads each listed job's status.json.
    s3: [{ scope: 'zips', actions: ['s3:ListBucket', 's3:GetObject'] }],
  },
  {
    method: 'GET',
    path: '/usage',
    handler: 'get-usage',
    s3: [],
    usage: ['dynamodb:GetItem'],
  },
];

/**
 * The usage recorder's timeout: the ledger keeps a change's mark for MARK_KEEP_MS (5 minutes) after it is
 * done, which must outlast any run that may still retry it (handlers/lib/quotas/ledger.ts).
 */
export const USAGE_RECORDER_TIMEOUT_SECONDS = 60;

/**
 * A transfer worker run; one that nears it records its progress and starts the next
 * (handlers/lib/transfers).
 */
export const TRANSFER_WORKER_TIMEOUT_SECONDS = 900;

/** Lambda's longest run; the worker stops its upload 30 s before it to record the failure. */
export const ZIP_WORKER_TIMEOUT_SECONDS = 900;

/**
 * The zip worker's memory. It needs under 200 MiB whatever the archive (npm run bench), but Lambda's CPU
 * grows with memory and the copy is CPU-bound: at the 8–17 CPU s/GiB measured here, 512 MiB (≈ 0.29
 * vCPU) would need up to ~20 minutes for a 20 GiB job; 1024 MiB needs half of that, for the same
 * GB-seconds.
 */
const ZIP_WORKER_MEMORY_MIB = 1024;

/** The V8 old space Lambda's runtime gives by itself: memory minus a tenth for the young generation. */
const ZIP_WORKER_OLD_SPACE_MIB = ZIP_WORKER_MEMORY_MIB - Math.floor(ZIP_WORKER_MEMORY_MIB / 10);

/**
 * The zip worker's Node process settings, which keep its peak memory independent of the archive's size
 * (docs/zips.md, "Memory over a long run"). A zip holds about 15 MiB of live JS objects, so small
 * semi-spaces cost nothing, whereas V8 grows its young generation the longer a job runs (Lambda's runtime
 * would allow it 5 % of memory per semi-space, and sets neither heap flag when NODE_OPTIONS names one,
 * hence the old space here). glibc raises its mmap threshold
 * once the first 8 MiB part buffer is freed, then serves parts from its heap and keeps what they free; a
 * fixed threshold maps and unmaps each one.
 */
export const ZIP_WORKER_PROCESS_ENVIRONMENT: Readonly<Record<string, string>> = {
  NODE_OPTIONS: `--max-semi-space-size=2 --max-old-space-size=${ZIP_WORKER_OLD_SPACE_MIB}`,
  MALLOC_MMAP_THRESHOLD_: '1048576',
};

/** A function that no API route invokes: started by an S3 notification or a Lambda destination. */
export interface Worker {
  /** The handler file `handlers/<handler>.ts`, which exports `handler(event, context)`. */
  readonly handler: string;
  /** Exactly the S3 access the function needs; its role is allowed this and nothing else. */
  readonly s3: readonly S3Grant[];
  /**
   * S3 access the function has only through its caller role (`<function>-caller`), in sessions scoped to
   * one job's owner (handlers/lib/zip/jobs/session.ts); its own role gets none of it. @default none
   */
  readonly callerS3?: readonly S3Grant[];
  /**
   * Works on zip jobs: acts for a job's owner in a session scoped to that one job
   * (handlers/lib/zip/jobs/session.ts), and a job it ends failed counts in the ZipJobsFailed alarm.
   * @default false (a caller session, as a route's)
   */
  readonly zipJobs?: boolean;
  readonly timeoutSeconds: number;
  readonly memoryMiB: number;
  /** Settings of the function's Node process (environment variables); `npm run bench` runs with them too. */
  readonly processEnvironment?: Readonly<Record<string, string>>;
  /** Invoked asynchronously when an object whose key matches is created in the bucket. */
  readonly trigger?: { readonly prefix: string; readonly suffix: string };
  /** Invoked asynchronously for every object created or removed in the users' folders. @default false */
  readonly fileEvents?: boolean;
  /**
   * Events that fail every attempt (Lambda's default 2 retries over up to 6 hours) go to an SQS queue
   * `<function>-failed`, which alarms when it holds any. @default false
   */
  readonly failureQueue?: boolean;
  /** Invoked on an EventBridge schedule (`rate(1 day)`, a cron expression). @default none */
  readonly schedule?: string;
  /** Exactly the usage-table access the function needs. @default none */
  readonly usage?: readonly UsageAction[];
  /** Async invocation settings: retries, and the worker that receives events that failed them all. */
  readonly async?: {
    readonly maxRetryAttempts: number;
    /**
     * The limit (contract/settings.ts) that is the event's maximum age in Lambda's queue, so that the
     * stack and the handlers that judge a queued job read one value.
     */
    readonly maxEventAgeLimit: keyof Limits;
    readonly onFailure: string;
  };
}

export const workers: readonly Worker[] = [
  {
    handler: 'zip-worker',
    zipJobs: true,
    // Nothing on its own role: every call is in a session scoped to the job's owner (folder, zip area)
    // and the job's archive.
    s3: [],
    callerS3: [
      // Reads the sources; GetObjectAttributes lists the part CRCs of a source with a COMPOSITE checksum;
      // ListBucket proves a 403 a source deleted since the request.
      { scope: 'user-files', actions: ['s3:GetObject', 's3:GetObjectAttributes', 's3:ListBucket'] },
      // Reads request/status and the job's slot, writes status and slot; writes the archive (a multipart
      // upload whose UploadPartCopy reads a source in the same request; aborted on failure; a lost
      // Complete answer is settled by reading the archive's ETag, never by deleting).
      {
        scope: 'zips',
        actions: ['s3:GetObject', 's3:PutObject', 's3:AbortMultipartUpload', 's3:ListBucket'],
      },
    ],
    timeoutSeconds: ZIP_WORKER_TIMEOUT_SECONDS,
    memoryMiB: ZIP_WORKER_MEMORY_MIB,
    processEnvironment: ZIP_WORKER_PROCESS_ENVIRONMENT,
    trigger: { prefix: ZIPS_PREFIX, suffix: 'request.json' },
    async: { maxRetryAttempts: 2, maxEventAgeLimit: 'zipQueueTimeoutSeconds', onFailure: 'zip-failed' },
  },
  {
    handler: 'zip-failed',
    zipJobs: true,
    s3: [],
    // Reads the status and marks the job failed; reads and frees its slot: in a session scoped to the
    // job's owner, as the worker's.
    callerS3: [{ scope: 'zips', actions: ['s3:GetObject', 's3:PutObject', 's3:ListBucket'] }],
    timeoutSeconds: 30,
    memoryMiB: 128,
  },
  {
    handler: 'transfer-worker',
    // Reads the job's request and status, writes its status, and the request again to start a next run.
    s3: [{ scope: 'transfers', actions: ['s3:GetObject', 's3:PutObject'] }],
    // The copies, in a session scoped to the job owner's folder (the routes' caller session): listing,
    // HeadObject and CopyObject's read (GetObject), the writes (PutObject; above 5 GiB a multipart copy,
    // aborted on failure) and a move's deletes.
    callerS3: [
      {
        scope: 'user-files',
        actions: [
          's3:ListBucket',
          's3:GetObject',
          's3:PutObject',
          's3:AbortMultipartUpload',
          's3:DeleteObject',
        ],
      },
    ],
    // A copy holds each file's bytes in the owner's quota before S3 copies it.
    usage: ['dynamodb:GetItem', 'dynamodb:UpdateItem'],
    timeoutSeconds: TRANSFER_WORKER_TIMEOUT_SECONDS,
    memoryMiB: 256,
    trigger: { prefix: TRANSFERS_PREFIX, suffix: 'request.json' },
  },
  {
    handler: 'usage-recorder',
    // S3's events carry what it needs (key, size, sequencer); it reads no object.
    s3: [],
    usage: ['dynamodb:GetItem', 'dynamodb:UpdateItem'],
    fileEvents: true,
    timeoutSeconds: USAGE_RECORDER_TIMEOUT_SECONDS,
    // Lambda's default async retries (2, for up to 6 hours): handlers/lib/quotas/lifetimes.ts keeps
    // reservations that long past their last byte; an event that failed them all is kept in the failure
    // queue, which alarms (docs/quotas.md: replay it, or reconcile the user).
    failureQueue: true,
    memoryMiB: 128,
  },
  {
    handler: 'usage-reconciler',
    // Lists every version in the users' folders (keys and sizes only): it reads no object, and its own
    // role has it, not a caller role, since it spans every user.
    s3: [{ scope: 'user-files', actions: ['s3:ListBucketVersions'] }],
    // Reads each user's usage item; Scans for the users that have one (every user with no file left too).
    usage: ['dynamodb:GetItem', 'dynamodb:Scan'],
    schedule: 'rate(1 day)',
    // Lists the whole of the users' folders: Lambda's longest run (about 15 M versions at 1,000 a page).
    timeoutSeconds: 900,
    memoryMiB: 256,
  },
];
