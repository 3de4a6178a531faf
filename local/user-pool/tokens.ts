/**
 * The pool's tokens: RS256 JWTs with Cognito's claims (id and access tokens signed by different keys) and
 * opaque refresh tokens. The issuer has the production shape, so identity-pool Logins keys match AWS.
 */
import { randomBytes, randomUUID, sign, verify } from 'node:crypto';
import { CognitoError } from './errors';
import type { PoolKeys, SigningKey } from './signing-keys';
import type { Session, StoredUser } from './store';

export interface TokenSettings {
  readonly issuer: string;
  readonly clientId: string;
  readonly keys: PoolKeys;
  /** Lifetime of access and id tokens. */
  readonly lifetimeSeconds: number;
}

/** `AuthenticationResult` as InitiateAuth and its relatives answer it. */
export interface AuthenticationResult {
  readonly AccessToken: string;
  readonly ExpiresIn: number;
  readonly IdToken: string;
  readonly RefreshToken?: string;
  readonly TokenType: 'Bearer';
}

export interface AccessClaims {
  readonly sub: string;
  readonly origin_jti: string;
  readonly username: string;
}

export function issuerFor(region: string, poolId: string): string {
  return `https://cognito-idp.${region}.amazonaws.com/${poolId}`;
}

function base64url(value: string | Buffer): string {
  return Buffer.from(value).toString('base64url');
}

function signJwt(key: SigningKey, claims: object): string {
  const signingInput = `${base64url(JSON.stringify({ kid: key.kid, alg: 'RS256' }))}.${base64url(JSON.stringify(claims))}`;
  return `${signingInput}.${base64url(sign('sha256', Buffer.from(signingInput), key.privateKey))}`;
}

/** A new opaque refresh token; the store keeps only its hash. */
export function newRefreshToken(): string {
  return randomBytes(48).toString('base64url');
}

/** Id and access tokens for one session, issued now (at sign-in or on refresh). */
export function issueTokens(
  settings: TokenSettings,
  user: StoredUser,
  session: Session,
  nowMs: number,
): AuthenticationResult {
  const iat = Math.floor(nowMs / 1000);
  const shared = {
    sub: user.username,
    iss: settings.issuer,
    origin_jti: session.originJti,
    event_id: session.eventId,
    auth_time: session.authTime,
    exp: iat + settings.lifetimeSeconds,
    iat,
  };
  const idToken = signJwt(settings.keys.id, {
    ...shared,
    email_verified: user.emailVerified,
    'cognito:username': user.username,
    aud: settings.clientId,
    token_use: 'id',
    jti: randomUUID(),
    email: user.email,
  });
  const accessToken = signJwt(settings.keys.access, {
    ...shared,
    client_id: settings.clientId,
    token_use: 'access',
    scope: 'aws.cognito.signin.user.admin',
    jti: randomUUID(),
    username: user.username,
  });
  return {
    AccessToken: accessToken,
    ExpiresIn: settings.lifetimeSeconds,
    IdToken: idToken,
    TokenType: 'Bearer',
  };
}

function parseJson(part: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** The claims of an access token this pool issued to its client, or NotAuthorizedException as Cognito words it. */
export function verifyAccessToken(settings: TokenSettings, token: string, nowMs: number): AccessClaims {
  const invalid = new CognitoError('NotAuthorizedException', 'Invalid Access Token');
  const parts = token.split('.');
  if (parts.length !== 3) throw invalid;
  const [headerPart, payloadPart, signaturePart] = parts;
  const header = parseJson(headerPart);
  const key = settings.keys.access;
  if (header?.alg !== 'RS256' || header.kid !== key.kid) throw invalid;
  const signature = Buffer.from(signaturePart, 'base64url');
  if (!verify('sha256', Buffer.from(`${headerPart}.${payloadPart}`), key.publicKey, signature)) throw invalid;
  const claims = parseJson(payloadPart);
  if (
    claims === undefined ||
    claims.iss !== settings.issuer ||
    claims.token_use !== 'access' ||
    claims.client_id !== settings.clientId ||
    typeof claims.exp !== 'number' ||
    typeof claims.sub !== 'string' ||
    typeof claims.origin_jti !== 'string' ||
    typeof claims.username !== 'string'
  ) {
    throw invalid;
  }
  if (claims.exp * 1000 <= nowMs)
    throw new CognitoError('NotAuthorizedException', 'Access Token has expired');
  return { sub: claims.sub, origin_jti: claims.origin_jti, username: claims.username };
}
