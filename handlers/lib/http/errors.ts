/** Errors a handler may throw on purpose; each maps to one status and code of the API contract. */
export class ApiError extends Error {
  /** Response headers the error sets, e.g. Retry-After. */
  headers: Readonly<Record<string, string>> = {};

  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class BadRequestError extends ApiError {
  constructor(message: string) {
    super(400, 'BadRequest', message);
  }
}

export class InvalidKeyError extends ApiError {
  constructor(message: string) {
    super(400, 'InvalidKey', message);
  }
}

export class UnauthorizedError extends ApiError {
  constructor(message = 'The request carries no valid caller identity.') {
    super(403, 'Unauthorized', message);
  }
}

export class NotFoundError extends ApiError {
  constructor(message = 'Not found.') {
    super(404, 'NotFound', message);
  }
}

export class PayloadTooLargeError extends ApiError {
  constructor(message: string) {
    super(413, 'PayloadTooLarge', message);
  }
}

export class TooManyFilesError extends ApiError {
  constructor(message: string) {
    super(400, 'TooManyFiles', message);
  }
}

export class ConflictError extends ApiError {
  constructor(message: string) {
    super(409, 'Conflict', message);
  }
}

/** The caller has as much in progress as one user may: retry once some of it ends. */
export class TooManyRequestsError extends ApiError {
  constructor(message: string) {
    super(429, 'TooManyRequests', message);
  }
}

/**
 * The caller's files and uploads in progress would pass their storage quota (docs/quotas.md). 409: the
 * request conflicts with the state of the caller's storage and succeeds once files are deleted; not 413
 * (the body is not too large as such), not 403 (this API's 403 means "no valid identity"), not 507 (a 5xx
 * reads as our failure: clients retry it and the alarms count it).
 */
export class QuotaExceededError extends ApiError {
  constructor(message: string) {
    super(409, 'QuotaExceeded', message);
  }
}

/**
 * The caller holds as many uploads in progress (reservations, docs/quotas.md) as one user may: 409, like
 * QuotaExceeded, since it succeeds once some of them end; never a 5xx (the usage item's size is bounded).
 */
export class TooManyUploadsError extends ApiError {
  constructor(message: string) {
    super(409, 'TooManyUploads', message);
  }
}

/**
 * What a log line may say of an unexpected error: its class and S3 code only ("AccessDenied",
 * "InternalError SlowDown"). SDK messages may carry keys, bucket names and ARNs.
 */
export function errorSummary(error: unknown): string {
  if (!(error instanceof Error)) return typeof error;
  const code = 'Code' in error ? String(error.Code) : error.name;
  return code === error.name ? error.name : `${error.name} ${code}`;
}
