/** What every operation works with, and the checks and shapes that several of them share. */
import { randomUUID } from 'node:crypto';
import type { PasswordPolicy } from '../../contract/password-policy';
import type { Challenges } from './challenges';
import { CognitoError } from './errors';
import type { SrpIdentity } from './srp';
import { hashSecret, type Session, type StoredUser, type UserStore } from './store';
import {
  type AuthenticationResult,
  issueTokens,
  newRefreshToken,
  type TokenSettings,
  verifyAccessToken,
} from './tokens';

export interface Pool {
  readonly poolId: string;
  /** The part of the pool id after `_`, which SRP hashes. */
  readonly poolName: string;
  readonly clientId: string;
  readonly store: UserStore;
  readonly challenges: Challenges;
  readonly tokens: TokenSettings;
  readonly policy: PasswordPolicy;
  readonly refreshTokenLifetimeMs: number;
  /** As the app client's refresh_token_rotation: a new refresh token per GetTokensFromRefreshToken. */
  readonly rotation: { readonly enabled: boolean; readonly retryGraceMs: number };
  readonly decoySecret: Buffer;
  readonly log: (line: string) => void;
  readonly now: () => number;
}

export function requireClient(pool: Pool, clientId: string): void {
  if (clientId !== pool.clientId) {
    throw new CognitoError('ResourceNotFoundException', `User pool client ${clientId} does not exist.`);
  }
}

export function requirePool(pool: Pool, poolId: string): void {
  if (poolId !== pool.poolId) {
    throw new CognitoError('ResourceNotFoundException', `User pool ${poolId} does not exist.`);
  }
}

export function srpIdentity(pool: Pool, username: string): SrpIdentity {
  return { poolName: pool.poolName, userId: username };
}

/** The check every sign-in path makes before it issues tokens. */
export function requireEnabled(user: StoredUser): void {
  if (!user.enabled) throw new CognitoError('NotAuthorizedException', 'User is disabled.');
}

/** A new sign-in session: tokens with a refresh token. */
export function signIn(pool: Pool, user: StoredUser): AuthenticationResult {
  const now = pool.now();
  pool.store.prune(now);
  const refreshToken = newRefreshToken();
  const session: Session = {
    originJti: randomUUID(),
    username: user.username,
    clientId: pool.clientId,
    refreshTokenHash: hashSecret(refreshToken),
    authTime: Math.floor(now / 1000),
    eventId: randomUUID(),
    expiresAt: now + pool.refreshTokenLifetimeMs,
  };
  pool.store.addSession(session);
  return { ...issueTokens(pool.tokens, user, session, now), RefreshToken: refreshToken };
}

/**
 * New id and access tokens for a refresh token (REFRESH_TOKEN_AUTH, GetTokensFromRefreshToken); with
 * `rotate`, also a new refresh token, and the one given is retired after the grace period.
 */
export function refresh(pool: Pool, refreshToken: string, rotate = false): AuthenticationResult {
  const now = pool.now();
  const session = pool.store.sessionByRefreshToken(refreshToken, now);
  if (session === undefined || session.clientId !== pool.clientId) {
    throw new CognitoError('NotAuthorizedException', 'Invalid Refresh Token');
  }
  if (session.expiresAt <= now) throw new CognitoError('NotAuthorizedException', 'Refresh Token has expired');
  const user = pool.store.find(session.username);
  if (user === undefined) throw new CognitoError('NotAuthorizedException', 'Invalid Refresh Token');
  requireEnabled(user);
  const tokens = issueTokens(pool.tokens, user, session, now);
  if (!rotate) return tokens;
  const next = newRefreshToken();
  pool.store.rotateRefreshToken(
    session,
    hashSecret(refreshToken),
    hashSecret(next),
    now + pool.rotation.retryGraceMs,
  );
  return { ...tokens, RefreshToken: next };
}

/** The user behind an access token whose session is still live (not revoked or signed out). */
export function userOfAccessToken(pool: Pool, accessToken: string): StoredUser {
  const claims = verifyAccessToken(pool.tokens, accessToken, pool.now());
  const session = pool.store.session(claims.origin_jti);
  if (session === undefined || session.username !== claims.username) {
    throw new CognitoError('NotAuthorizedException', 'Access Token has been revoked');
  }
  const user = pool.store.find(claims.username);
  if (user === undefined) throw new CognitoError('UserNotFoundException', 'User does not exist.');
  requireEnabled(user);
  return user;
}

export interface AttributeType {
  readonly Name: string;
  readonly Value: string;
}

export function userAttributes(user: StoredUser): AttributeType[] {
  return [
    { Name: 'email', Value: user.email },
    { Name: 'email_verified', Value: String(user.emailVerified) },
    { Name: 'sub', Value: user.username },
  ];
}

/** Epoch seconds, as JSON 1.1 sends timestamps. */
export function epochSeconds(ms: number): number {
  return ms / 1000;
}
