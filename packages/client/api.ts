/**
 * One signed request to the API: SigV4 for `execute-api` with the session's credentials (aws4fetch, 3 KB),
 * JSON in and out, every failure a LockboxError with the API's code, the status and the request id.
 */
import { AwsClient } from 'aws4fetch';
import type { AwsCredentials } from './auth/identity-pool.js';
import type { Bytes } from './bytes.js';
import { GATEWAY_STATUS_CODES } from './contract-facts.js';
import { LockboxError } from './errors.js';
import { gatewayErrorCode } from './gateway-errors.js';
import { send } from './http.js';

export interface ApiRequest {
  readonly method: 'GET' | 'PUT' | 'POST' | 'DELETE';
  /** Relative to the stage URL, e.g. `/files`. */
  readonly path: string;
  readonly query?: Readonly<Record<string, string | number | undefined>>;
  readonly json?: unknown;
  /** Raw bytes (PUT /file), signed as they are. */
  readonly body?: Bytes | string;
  readonly contentType?: string;
  /** Further headers, signed with the rest (e.g. POST /zips's Idempotency-Key). */
  readonly headers?: Readonly<Record<string, string>>;
  readonly signal?: AbortSignal;
}

export type ApiCall = <T>(request: ApiRequest) => Promise<T>;

/** RFC 3986, as SigV4 encodes a query value (encodeURIComponent leaves !'()* alone). */
function rfc3986(value: string): string {
  return encodeURIComponent(value).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

export function createApi(
  apiUrl: string,
  region: string,
  credentials: () => Promise<AwsCredentials>,
  fetchImpl: typeof fetch,
): ApiCall {
  const base = apiUrl.replace(/\/$/, '');
  return async <T>(request: ApiRequest): Promise<T> => {
    const search = Object.entries(request.query ?? {})
      .filter((entry): entry is [string, string | number] => entry[1] !== undefined)
      .map(([name, value]) => `${rfc3986(name)}=${rfc3986(String(value))}`)
      .join('&');
    const url = `${base}${request.path}${search ? `?${search}` : ''}`;
    const headers: Record<string, string> = { ...request.headers };
    let body = request.body;
    if (request.json !== undefined) {
      headers['Content-Type'] = 'application/json';
      body = JSON.stringify(request.json);
    } else if (request.contentType !== undefined) {
      headers['Content-Type'] = request.contentType;
    }
    const { accessKeyId, secretAccessKey, sessionToken } = await credentials();
    // retries: 0 — a retried POST /zips would start a second job; the caller decides what to retry.
    const signer = new AwsClient({
      accessKeyId,
      secretAccessKey,
      sessionToken,
      service: 'execute-api',
      region,
      retries: 0,
    });
    const signed = await signer.sign(url, { method: request.method, headers, body, signal: request.signal });
    const response = await send(fetchImpl, signed, { signal: request.signal });
    return read<T>(response);
  };
}

async function read<T>(response: Response): Promise<T> {
  const text = await response.text();
  let body: unknown;
  try {
    body = text === '' ? undefined : JSON.parse(text);
  } catch {
    body = undefined;
  }
  if (response.ok) {
    if (body === undefined && response.status !== 204) {
      throw new LockboxError('BadResponse', 'The API answered without a JSON body.', response.status);
    }
    return body as T;
  }
  throw apiError(response, body);
}

function apiError(response: Response, body: unknown): LockboxError {
  const { status } = response;
  const error = (body as { error?: { code?: unknown; message?: unknown } } | undefined)?.error;
  const message = typeof error?.message === 'string' ? error.message : gatewayMessage(body, status);
  // API Gateway adds x-amzn-RequestId (readable cross-origin only when exposed); a 500 names it too.
  const requestId =
    response.headers.get('x-amzn-RequestId') ?? /Request id: (\S+)$/.exec(message)?.[1] ?? undefined;
  if (typeof error?.code === 'string') {
    return new LockboxError(error.code as LockboxError['code'], message, status, requestId);
  }
  // The stack shapes API Gateway's own refusals like the API's errors; an answer that is not shaped
  // so (a proxy, a misconfigured stage) still gets the code API Gateway's type means, or for a 429 or
  // 403 the one its status has (a 404 or 413 from elsewhere says nothing about the API's routes).
  const code =
    gatewayErrorCode(response.headers.get('x-amzn-ErrorType')) ??
    (status === 429 || status === 403 ? GATEWAY_STATUS_CODES[status] : 'BadResponse');
  return new LockboxError(code, message, status, requestId);
}

function gatewayMessage(body: unknown, status: number): string {
  const gateway = body as { message?: unknown; Message?: unknown } | undefined;
  const message = gateway?.message ?? gateway?.Message;
  return typeof message === 'string' ? message : `The API answered HTTP ${status}.`;
}
