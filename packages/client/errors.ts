import type { components } from './api-types.js';

/**
 * Every failure the client reports, one class: the API's own codes (from docs/openapi.yaml), Cognito's
 * exception names (`NotAuthorizedException`, `CodeMismatchException`, …) and the client's own.
 */
export type LockboxErrorCode =
  | components['schemas']['ErrorCode']
  /** No session: sign in first (or the refresh token was revoked or expired). */
  | 'NotSignedIn'
  /** A challenge answered out of turn, or an answer the client does not know. */
  | 'UnsupportedChallenge'
  /** The caller's AbortSignal fired. */
  | 'Aborted'
  /** The request never got an answer (offline, DNS, CORS refusal in a browser). */
  | 'NetworkError'
  /** S3 refused a presigned upload or part, after the retries. */
  | 'UploadFailed'
  /** The zip job ended as `failed`; the message says why. */
  | 'ZipFailed'
  /** A background copy or move ended as `failed`; the message says why. */
  | 'TransferFailed'
  /** An answer the client cannot read (not the contract's shape). */
  | 'BadResponse'
  | `${string}Exception`;

export class LockboxError extends Error {
  override readonly name = 'LockboxError';
  readonly code: LockboxErrorCode;
  /** The HTTP status, 0 when there was no answer. */
  readonly status: number;
  /** API Gateway's or Cognito's request id, when the answer carried one (quote it in bug reports). */
  readonly requestId: string | undefined;

  constructor(code: LockboxErrorCode, message: string, status = 0, requestId?: string) {
    super(message);
    this.code = code;
    this.status = status;
    this.requestId = requestId;
  }
}

export function isLockboxError(error: unknown, code?: LockboxErrorCode): error is LockboxError {
  return error instanceof LockboxError && (code === undefined || error.code === code);
}

export function abortedError(): LockboxError {
  return new LockboxError('Aborted', 'The operation was aborted.');
}

export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw abortedError();
}
