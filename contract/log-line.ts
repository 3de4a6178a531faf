/**
 * The schema of every line a function logs: one JSON object per API request, per job a worker ends, per
 * run of the usage functions (handlers/lib/wiring/log-line.ts writes them; a handler cannot log another
 * shape). Operators read these fields in Logs Insights (docs/api.md lists them); the alarms' metric
 * filters read some of them (modules/alarms.ts) by the names in LOG_FIELDS, so renaming a field here
 * renames it in the filters or fails to compile. No line carries a key, a URL, the bucket or an SDK
 * message: errors are a class and an S3 code (errorSummary).
 */

/** Every line of an invocation names Lambda's request id. */
interface InvocationLine {
  readonly requestId: string;
}

/** The one line per API request (handlers/lib/http/handler.ts). */
export interface ApiRequestLine extends InvocationLine {
  /** null when the request had no valid caller identity (it was refused). */
  readonly identityId: string | null;
  /** The route table's key, e.g. `GET /files`. */
  readonly route: string;
  readonly status: number;
  readonly durationMs: number;
  /** A 500's cause: its error class and S3 code only. */
  readonly error?: string;
  /** Recording the caller's user record failed (lib/http/caller-record.ts); the request was served. */
  readonly userRecordError?: string;
}

/** An event that named no job, or named another bucket: the S3 notification should only send jobs. */
export interface RefusedEventLine extends InvocationLine {
  readonly refusedRecords: number;
}

/** A line about one job of one user. */
interface JobLine extends InvocationLine {
  readonly identityId: string;
  readonly jobId: string;
}

/** Which engine wrote a zip archive (lib/zip/planner.ts): yazl through lib-storage, or S3 copies. */
export type ZipStrategy = 'yazl' | 'copy';

/** How one zip worker run of a job ended (lib/zip/jobs/run-job.ts). */
export interface ZipJobOutcome {
  readonly outcome: 'done' | 'failed' | 'skipped' | 'retry';
  /** Why the job failed, was skipped or will be retried: a stage and an error class. */
  readonly reason?: string;
  readonly fileCount?: number;
  readonly filesDone?: number;
  readonly bytesDone?: number;
  readonly archiveBytes?: number;
  /** Source bytes S3 copied into the archive, without passing through the worker. */
  readonly copiedBytes?: number;
  readonly strategy?: ZipStrategy;
}

/** The zip worker's line per job. */
export interface ZipJobLine extends JobLine, ZipJobOutcome {
  readonly durationMs: number;
}

/** A progress write to a zip job's status failed; the job went on. */
export interface ZipProgressFailedLine extends JobLine {
  readonly progressWriteFailed: string;
}

/** What Lambda's on-failure destination says of the failed invocation (zip-failed.ts). */
interface FailureDestinationLine {
  /** Lambda's condition, e.g. `RetriesExhausted`. */
  readonly reason: string | null;
  readonly attempts: number | null;
}

/** zip-failed's line for an event that named no job. */
export interface ZipFailedRefusedLine extends RefusedEventLine, FailureDestinationLine {}

/** zip-failed's line per job: marked failed, or skipped when the job had ended after all. */
export interface ZipFailedJobLine extends JobLine, FailureDestinationLine {
  readonly outcome: 'failed' | 'skipped';
  readonly fileCount?: number;
  readonly filesDone?: number;
  readonly bytesDone?: number;
  readonly durationMs: number;
}

/** How one transfer worker run of a copy or move job ended (lib/transfers/job-run.ts). */
export interface TransferJobOutcome {
  /** `refused`: the job's own request could not be done (no source, a conflict, the quota). */
  readonly outcome: 'done' | 'failed' | 'refused' | 'continued' | 'skipped' | 'retry';
  readonly reason?: string;
  readonly filesDone?: number;
  readonly filesFailed?: number;
}

/** The transfer worker's line per run of a job. */
export interface TransferJobLine extends JobLine, TransferJobOutcome {
  readonly durationMs: number;
}

/** The usage recorder's line per S3 event (usage-recorder.ts). */
export interface UsageRecorderLine {
  readonly worker: 'usage-recorder';
  readonly records: number;
  /** Records applied now; the rest had been applied already (a retry). */
  readonly applied: number;
  readonly refused: number;
}

/** The daily usage check's line per run (usage-reconciler.ts); `usersWithDrift` is the UsageDrift metric. */
export interface UsageReconcilerLine {
  readonly worker: 'usage-reconciler';
  readonly usersWithDrift: number;
  /** Changed while S3 was listed: not counted as drift, checked again the next day. */
  readonly usersChanging: number;
  readonly driftBytes: number;
  /** The first drifted users' identity ids (the operator runs `usage reconcile` for them). */
  readonly users: readonly string[];
}

export type LogLine =
  | ApiRequestLine
  | RefusedEventLine
  | ZipJobLine
  | ZipProgressFailedLine
  | ZipFailedRefusedLine
  | ZipFailedJobLine
  | TransferJobLine
  | UsageRecorderLine
  | UsageReconcilerLine;

/** A field any line may have. */
export type LogField = LogLine extends infer Line ? (Line extends unknown ? keyof Line : never) : never;

/** What a field holds, over every line that has it. */
export type LogFieldValue<F extends LogField> = LogLine extends infer Line
  ? Line extends unknown
    ? F extends keyof Line
      ? NonNullable<Line[F]>
      : never
    : never
  : never;

/** A field whose value is a number: what a metric can add up. */
export type NumericLogField = { [F in LogField]: LogFieldValue<F> extends number ? F : never }[LogField];

/** A line whose field holds exactly this value, e.g. `outcome` = `failed`: what a metric filter counts. */
export type LogFieldMatch = {
  [F in LogField]: { readonly field: F; readonly equals: Extract<LogFieldValue<F>, string | number> };
}[LogField];

/** Every field's name, as a value: the object must name each field of the schema, and nothing else. */
export const LOG_FIELDS: { readonly [F in LogField]: F } = {
  requestId: 'requestId',
  identityId: 'identityId',
  route: 'route',
  status: 'status',
  durationMs: 'durationMs',
  error: 'error',
  userRecordError: 'userRecordError',
  refusedRecords: 'refusedRecords',
  jobId: 'jobId',
  outcome: 'outcome',
  reason: 'reason',
  fileCount: 'fileCount',
  filesDone: 'filesDone',
  bytesDone: 'bytesDone',
  archiveBytes: 'archiveBytes',
  copiedBytes: 'copiedBytes',
  strategy: 'strategy',
  progressWriteFailed: 'progressWriteFailed',
  attempts: 'attempts',
  filesFailed: 'filesFailed',
  worker: 'worker',
  records: 'records',
  applied: 'applied',
  refused: 'refused',
  usersWithDrift: 'usersWithDrift',
  usersChanging: 'usersChanging',
  driftBytes: 'driftBytes',
  users: 'users',
};
