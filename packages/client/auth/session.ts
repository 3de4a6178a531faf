/**
 * The signed-in session: tokens, the identity id and the identity pool's credentials, each renewed a few
 * minutes before it expires (one renewal at a time, however many requests ask). The refresh token and
 * the identity id survive a reload in the storage; nothing else is stored.
 */
import { LockboxError } from '../errors.js';
import type { CurrentUser } from '../lockbox-client.js';
import { type IdClaims, readIdToken } from './id-token.js';
import type { AwsCredentials, IdentityPool } from './identity-pool.js';
import type { SessionStorage } from './storage.js';
import type { Tokens, UserPool } from './user-pool.js';

/** Renew this long before expiry: more than SigV4's 5-minute clock skew, and room for a slow request. */
export const RENEW_BEFORE_MS = 5 * 60 * 1000;

interface Live {
  tokens: Tokens;
  claims: IdClaims;
  identityId: string;
  credentials: AwsCredentials;
}

export class Session {
  private live: Live | undefined;
  private renewing: Promise<Live> | undefined;
  private readonly refreshTokenItem: string;

  private readonly userPool: UserPool;
  private readonly identityPool: IdentityPool;
  private readonly storage: SessionStorage;
  private readonly now: () => number;

  constructor(
    userPool: UserPool,
    identityPool: IdentityPool,
    storage: SessionStorage,
    now: () => number,
    clientId: string,
  ) {
    this.userPool = userPool;
    this.identityPool = identityPool;
    this.storage = storage;
    this.now = now;
    this.refreshTokenItem = `lockbox.${clientId}.refreshToken`;
  }

  private identityItem(sub: string): string {
    return `${this.refreshTokenItem.replace('refreshToken', 'identityId')}.${sub}`;
  }

  /** Starts a session from a sign-in's tokens. */
  async begin(tokens: Tokens): Promise<CurrentUser> {
    this.storage.setItem(this.refreshTokenItem, tokens.refreshToken);
    const live = await this.withCredentials(tokens);
    this.live = live;
    return userOf(live);
  }

  async user(): Promise<CurrentUser | null> {
    try {
      return userOf(await this.current());
    } catch (error) {
      if (error instanceof LockboxError && error.code === 'NotSignedIn') return null;
      throw error;
    }
  }

  /** Credentials valid for at least RENEW_BEFORE_MS more; renews tokens and credentials as needed. */
  async credentials(): Promise<AwsCredentials> {
    return (await this.current()).credentials;
  }

  async end(): Promise<void> {
    const refreshToken = this.live?.tokens.refreshToken ?? this.storage.getItem(this.refreshTokenItem);
    this.live = undefined;
    this.storage.removeItem(this.refreshTokenItem);
    if (refreshToken) await this.userPool.revoke(refreshToken);
  }

  private fresh(expiresAt: number): boolean {
    return expiresAt - this.now() > RENEW_BEFORE_MS;
  }

  private current(): Promise<Live> {
    const live = this.live;
    if (live !== undefined && this.fresh(live.credentials.expiresAt)) return Promise.resolve(live);
    this.renewing ??= this.renew(live).finally(() => {
      this.renewing = undefined;
    });
    return this.renewing;
  }

  private async renew(live: Live | undefined): Promise<Live> {
    let tokens = live?.tokens;
    if (tokens === undefined || !this.fresh(readIdToken(tokens.idToken).expiresAt)) {
      // The stored token first: another tab sharing the storage may have rotated the one this tab holds.
      const refreshToken = this.storage.getItem(this.refreshTokenItem) || tokens?.refreshToken;
      if (!refreshToken) throw new LockboxError('NotSignedIn', 'Not signed in.');
      try {
        tokens = await this.userPool.refresh(refreshToken);
        // A rotated refresh token replaces the stored one, which stops working after the grace period.
        if (tokens.refreshToken !== refreshToken)
          this.storage.setItem(this.refreshTokenItem, tokens.refreshToken);
      } catch (error) {
        if (error instanceof LockboxError && error.code === 'NotAuthorizedException') {
          // Revoked or expired: the stored session is over.
          this.live = undefined;
          if (this.storage.getItem(this.refreshTokenItem) === refreshToken) {
            this.storage.removeItem(this.refreshTokenItem);
          }
          throw new LockboxError('NotSignedIn', error.message, error.status, error.requestId);
        }
        throw error;
      }
    }
    const renewed = await this.withCredentials(tokens, live?.identityId);
    this.live = renewed;
    return renewed;
  }

  private async withCredentials(tokens: Tokens, knownIdentityId?: string): Promise<Live> {
    const claims = readIdToken(tokens.idToken);
    const item = this.identityItem(claims.sub);
    let identityId = knownIdentityId ?? this.storage.getItem(item);
    if (!identityId) {
      identityId = await this.identityPool.identityId(tokens.idToken);
      this.storage.setItem(item, identityId);
    }
    const credentials = await this.identityPool.credentials(identityId, tokens.idToken);
    return { tokens, claims, identityId, credentials };
  }
}

function userOf(live: Live): CurrentUser {
  const { sub, email, username } = live.claims;
  return { sub, email, username, identityId: live.identityId };
}
