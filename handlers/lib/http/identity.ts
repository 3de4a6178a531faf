import type { APIGatewayProxyEvent } from 'aws-lambda';
import { type IdentityId, isIdentityId, isSub } from '../files/keys';
import { UnauthorizedError } from './errors';

/**
 * The caller's identity, as API Gateway's AWS_IAM authorizer saw it. It is the only source of identity:
 * a request is served only for an authenticated identity of this stack's identity pool (`identityPoolId`,
 * the IDENTITY_POOL_ID setting) whose id is well formed and lives in the pool's region. Anything else
 * (a guest, another pool's identity, a missing or malformed id) is refused, never given a default folder;
 * the refusal names no reason, so a caller learns nothing about the pool.
 */
export function callerIdentity(
  event: Pick<APIGatewayProxyEvent, 'requestContext'>,
  identityPoolId: string,
): IdentityId {
  const identity = event.requestContext?.identity;
  const id = identity?.cognitoIdentityId;
  if (
    identity?.cognitoAuthenticationType !== 'authenticated' ||
    identity.cognitoIdentityPoolId !== identityPoolId ||
    !isIdentityId(id) ||
    regionOf(id) !== regionOf(identityPoolId)
  ) {
    throw new UnauthorizedError();
  }
  return id;
}

/** The region an identity or identity pool id starts with: `eu-west-1` of `eu-west-1:…`. */
function regionOf(id: string): string {
  return id.slice(0, id.indexOf(':'));
}

/**
 * The user pool `sub` of the caller, from the provider API Gateway names for Cognito identities:
 * `cognito-idp.<region>.amazonaws.com/<pool>,cognito-idp.<region>.amazonaws.com/<pool>:CognitoSignIn:<sub>`.
 * Undefined when there is none (a caller that did not sign in through the user pool).
 */
export function callerSub(event: Pick<APIGatewayProxyEvent, 'requestContext'>): string | undefined {
  const provider = event.requestContext?.identity?.cognitoAuthenticationProvider;
  const sub = typeof provider === 'string' ? /:CognitoSignIn:([^:,]+)$/.exec(provider)?.[1] : undefined;
  return isSub(sub) ? sub : undefined;
}
