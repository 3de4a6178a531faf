import { randomBytes } from 'node:crypto';
import type { APIGatewayEventIdentity, APIGatewayProxyEvent } from 'aws-lambda';
import type { Route } from '../../contract/routes';
import { LOCAL_ACCOUNT_ID } from './caller-identity';

/** The fake API id; API Gateway's are 10 lowercase alphanumerics. */
const API_ID = 'lockboxapi';

export interface ProxyEventInput {
  readonly route: Route;
  readonly pathParameters: Record<string, string> | null;
  readonly stage: string;
  readonly method: string;
  /** The path after the stage, as received (API Gateway keeps REST paths percent-encoded). */
  readonly rawPath: string;
  /** The query string as received, without `?`. */
  readonly rawQuery: string;
  readonly rawHeaders: readonly string[];
  readonly body: Buffer;
  readonly identity: APIGatewayEventIdentity;
  readonly requestId: string;
  readonly requestTimeEpoch: number;
  readonly sourceIp: string;
  readonly localPort: number;
}

/**
 * The REST (v1) Lambda proxy event, built as API Gateway builds it: headers as sent (the last value of a
 * repeated one in `headers`, all of them in `multiValueHeaders`) plus the X-Forwarded-* and trace headers
 * it adds; query parameters decoded, likewise single- and multi-valued, null when there are none; `path`
 * without the stage and `requestContext.path` with it. The API's binaryMediaTypes is `*\/*`
 * (modules/rest-api.ts), so every body arrives base64-encoded with isBase64Encoded, and no body is null.
 */
export function proxyEvent(input: ProxyEventInput): APIGatewayProxyEvent {
  const headerPairs = [...pairs(input.rawHeaders), ...forwardedHeaders(input)];
  const queryPairs = [...new URLSearchParams(input.rawQuery)];
  const hasBody = input.body.length > 0;
  // API Gateway's domainName is the API's host name; its first label is the domainPrefix.
  const hostName = (headerValue(headerPairs, 'host') ?? '127.0.0.1').replace(/:\d+$/, '');
  return {
    resource: input.route.path,
    path: input.rawPath,
    httpMethod: input.method,
    headers: single(headerPairs),
    multiValueHeaders: multi(headerPairs),
    queryStringParameters: queryPairs.length === 0 ? null : single(queryPairs),
    multiValueQueryStringParameters: queryPairs.length === 0 ? null : multi(queryPairs),
    pathParameters: input.pathParameters,
    stageVariables: null,
    requestContext: {
      accountId: LOCAL_ACCOUNT_ID,
      apiId: API_ID,
      authorizer: undefined,
      domainName: hostName,
      domainPrefix: hostName.split('.')[0] as string,
      extendedRequestId: randomBytes(8).toString('base64url'),
      httpMethod: input.method,
      identity: input.identity,
      path: `/${input.stage}${input.rawPath}`,
      protocol: 'HTTP/1.1',
      requestId: input.requestId,
      requestTime: requestTime(input.requestTimeEpoch),
      requestTimeEpoch: input.requestTimeEpoch,
      resourceId: API_ID.slice(0, 6),
      resourcePath: input.route.path,
      stage: input.stage,
    },
    body: hasBody ? input.body.toString('base64') : null,
    isBase64Encoded: hasBody,
  };
}

function pairs(rawHeaders: readonly string[]): [string, string][] {
  const result: [string, string][] = [];
  for (let i = 0; i + 1 < rawHeaders.length; i += 2)
    result.push([rawHeaders[i] as string, rawHeaders[i + 1] as string]);
  return result;
}

/** What API Gateway adds for the function: the client's address, port, scheme and a trace id. */
function forwardedHeaders(input: ProxyEventInput): [string, string][] {
  const epochHex = Math.floor(input.requestTimeEpoch / 1000).toString(16);
  return [
    ['X-Amzn-Trace-Id', `Root=1-${epochHex}-${randomBytes(12).toString('hex')}`],
    ['X-Forwarded-For', input.sourceIp],
    ['X-Forwarded-Port', String(input.localPort)],
    ['X-Forwarded-Proto', 'http'],
  ];
}

function single(entries: readonly [string, string][]): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [name, value] of entries) result[name] = value;
  return result;
}

function multi(entries: readonly [string, string][]): Record<string, string[]> {
  const result: Record<string, string[]> = {};
  for (const [name, value] of entries) result[name] = [...(result[name] ?? []), value];
  return result;
}

function headerValue(entries: readonly [string, string][], name: string): string | undefined {
  return entries.find(([candidate]) => candidate.toLowerCase() === name)?.[1];
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** `26/Nov/2026:16:13:29 +0000`, API Gateway's requestTime. */
function requestTime(epochMs: number): string {
  const date = new Date(epochMs);
  const two = (n: number) => String(n).padStart(2, '0');
  return (
    `${two(date.getUTCDate())}/${MONTHS[date.getUTCMonth()]}/${date.getUTCFullYear()}:` +
    `${two(date.getUTCHours())}:${two(date.getUTCMinutes())}:${two(date.getUTCSeconds())} +0000`
  );
}
