/**
 * Cognito's JSON 1.1 wire, unsigned (sign-in and identity calls need no AWS credentials): one POST per
 * operation, errors as `{ "__type", "message" }` with the request id in `x-amzn-RequestId`.
 */
import { LockboxError } from '../errors.js';
import { send } from '../http.js';

export type CognitoService = 'AWSCognitoIdentityProviderService' | 'AWSCognitoIdentityService';

export async function cognitoCall<T>(
  fetchImpl: typeof fetch,
  endpoint: string,
  service: CognitoService,
  operation: string,
  input: object,
): Promise<T> {
  const response = await send(fetchImpl, endpoint, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/x-amz-json-1.1',
      'X-Amz-Target': `${service}.${operation}`,
    },
    body: JSON.stringify(input),
  });
  const requestId = response.headers.get('x-amzn-RequestId') ?? undefined;
  const text = await response.text();
  let body: { __type?: unknown; message?: unknown; Message?: unknown } | undefined;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  if (response.ok && body !== undefined) return body as T;
  // `__type` may carry a namespace before `#`; the header form ends in `:`.
  const type = typeof body?.__type === 'string' ? (body.__type.split('#').pop() ?? '') : '';
  const message = body?.message ?? body?.Message;
  throw new LockboxError(
    type.endsWith('Exception') ? (type as `${string}Exception`) : 'BadResponse',
    typeof message === 'string' ? message : `${operation} failed (HTTP ${response.status}).`,
    response.status,
    requestId,
  );
}
