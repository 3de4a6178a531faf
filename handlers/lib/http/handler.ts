import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import type { IdentityId } from '../files/keys';
import { type LogSink, logLine } from '../wiring/log-line';
import type { CallerRecorder } from './caller-record';
import { ApiError, errorSummary } from './errors';
import { corsHeaders } from './headers';
import { callerIdentity } from './identity';

export type Handler = (
  event: APIGatewayProxyEvent,
  context: Pick<Context, 'awsRequestId'>,
) => Promise<APIGatewayProxyResult>;

/** What a route's logic sees: the event, already checked for a caller identity. */
export interface ApiRequest {
  readonly event: APIGatewayProxyEvent;
  readonly identityId: IdentityId;
  readonly requestId: string;
}

export interface ApiResponse {
  readonly status: number;
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

export interface HttpOptions {
  /** Browser origins allowed to read responses; an unlisted origin gets no CORS headers. */
  readonly allowedOrigins: readonly string[];
  /** This stack's identity pool: only its authenticated identities are served (identity.ts). */
  readonly identityPoolId: string;
  /** Where the one log line per request goes. @default logLine */
  readonly log?: LogSink;
  /** Records the caller's sub → identity id (caller-record.ts); depsFromEnv sets it. @default none */
  readonly recordCaller?: CallerRecorder;
}

/**
 * Wraps a route's logic: identity first (before any S3 call), then the logic, then one JSON response with
 * CORS headers. A thrown ApiError becomes its status and code; anything else is a 500 that names only the
 * request id, so no SDK text, bucket name or stack frame reaches the caller.
 */
export function httpHandler(
  route: string,
  options: HttpOptions,
  logic: (req: ApiRequest) => Promise<ApiResponse>,
): Handler {
  const log = options.log ?? logLine;
  return async (event, context) => {
    const started = performance.now();
    const requestId = context.awsRequestId;
    let identityId: IdentityId | undefined;
    let response: ApiResponse;
    let failure: unknown;
    // Runs beside the route's logic, so it adds no latency unless S3 is slower to write it.
    let recording: Promise<unknown> | undefined;
    try {
      identityId = callerIdentity(event, options.identityPoolId);
      recording = options.recordCaller?.(event, identityId);
      response = await logic({ event, identityId, requestId });
    } catch (error) {
      response = errorResponse(error, requestId);
      if (!(error instanceof ApiError)) failure = error;
    }
    const recordFailure = await recording;
    log({
      requestId,
      identityId: identityId ?? null,
      route,
      status: response.status,
      durationMs: Math.round(performance.now() - started),
      ...(failure === undefined ? {} : { error: errorSummary(failure) }),
      ...(recordFailure === undefined ? {} : { userRecordError: errorSummary(recordFailure) }),
    });
    const headers = corsHeaders(event, options.allowedOrigins);
    const code = errorCodeOf(response);
    // The code where AWS clients look for an error's type (Amplify's ApiError.name, the SDKs' parsers).
    return toResult(response, code === undefined ? headers : { ...headers, 'x-amzn-ErrorType': code });
  };
}

function errorResponse(error: unknown, requestId: string): ApiResponse {
  if (error instanceof ApiError) {
    return {
      status: error.status,
      body: { error: { code: error.code, message: error.message } },
      headers: error.headers,
    };
  }
  return {
    status: 500,
    body: { error: { code: 'Internal', message: `Internal error. Request id: ${requestId}` } },
  };
}

function errorCodeOf(response: ApiResponse): string | undefined {
  if (response.status < 400) return undefined;
  return (response.body as { error?: { code?: string } } | undefined)?.error?.code;
}

function toResult(response: ApiResponse, cors: Record<string, string>): APIGatewayProxyResult {
  const headers = { ...cors, ...response.headers };
  if (response.body === undefined) return { statusCode: response.status, headers, body: '' };
  return {
    statusCode: response.status,
    headers: { ...headers, 'Content-Type': 'application/json; charset=utf-8' },
    body: JSON.stringify(response.body),
  };
}
