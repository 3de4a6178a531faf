import { randomUUID } from 'node:crypto';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { type IdentityId, identityIdOf } from '../../handlers/lib/files/keys';

export const ORIGIN = 'http://localhost:5173';
/** The identity pool test handlers serve (HttpOptions.identityPoolId); apiEvent's callers belong to it. */
export const IDENTITY_POOL_ID = 'eu-west-1:00000000-0000-4000-8000-00000000c0de';

/** A fresh, well-formed Cognito identity id (checked as every id a handler takes is). */
export function identityId(region = 'eu-west-1'): IdentityId {
  return identityIdOf(`${region}:${randomUUID()}`);
}

export interface EventParams {
  readonly identityId?: string | null;
  /** The caller's identity pool. @default IDENTITY_POOL_ID */
  readonly identityPoolId?: string | null;
  /** @default 'authenticated' */
  readonly authenticationType?: string | null;
  readonly method?: string;
  readonly path?: string;
  readonly query?: Record<string, string>;
  readonly pathParameters?: Record<string, string>;
  readonly headers?: Record<string, string>;
  readonly body?: string | Buffer | object;
}

/** An API Gateway proxy event as the AWS_IAM-authorized REST API delivers it. */
export function apiEvent(params: EventParams = {}): APIGatewayProxyEvent {
  const { body } = params;
  const isBinary = Buffer.isBuffer(body);
  const text =
    body === undefined
      ? null
      : isBinary
        ? body.toString('base64')
        : typeof body === 'string'
          ? body
          : JSON.stringify(body);
  return {
    httpMethod: params.method ?? 'GET',
    path: params.path ?? '/files',
    resource: params.path ?? '/files',
    headers: { origin: ORIGIN, ...params.headers },
    multiValueHeaders: {},
    queryStringParameters: params.query ?? null,
    multiValueQueryStringParameters: null,
    pathParameters: params.pathParameters ?? null,
    stageVariables: null,
    body: text,
    isBase64Encoded: isBinary,
    requestContext: {
      identity: {
        cognitoIdentityId: params.identityId === undefined ? identityId() : params.identityId,
        cognitoIdentityPoolId: params.identityPoolId === undefined ? IDENTITY_POOL_ID : params.identityPoolId,
        cognitoAuthenticationType:
          params.authenticationType === undefined ? 'authenticated' : params.authenticationType,
      },
    } as APIGatewayProxyEvent['requestContext'],
  };
}

export const context = { awsRequestId: 'test-request-id' };
