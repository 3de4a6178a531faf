/**
 * The temporary credentials the identity pool stand-in has issued, by access key id: the identity pool
 * adds to it, the gateway looks keys up in it (it is verifySigV4's `lookup`) and fills the caller's
 * identity from the entry, as API Gateway does from the keys Cognito issued.
 */

/** Who a set of credentials was issued to. */
export interface IssuedIdentity {
  /** `<region>:<uuid>`: the caller's folder. */
  readonly identityId: string;
  readonly identityPoolId: string;
  /** The user pool's `sub` of the signed-in user. */
  readonly sub: string;
  readonly userPoolId: string;
  /** The stack's pool allows no guests. */
  readonly authenticationType: 'authenticated';
}

export interface IssuedCredentials {
  /** `ASIA…`, as for every temporary key. */
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken: string;
  /** Epoch ms; past it the gateway answers ExpiredToken. */
  readonly expiresAt: number;
  readonly identity: IssuedIdentity;
}

export interface CredentialRegistry {
  add(credentials: IssuedCredentials): void;
  /** The credentials of a key, expired ones included (so that they are refused as expired, not unknown). */
  lookup(accessKeyId: string): IssuedCredentials | undefined;
  /** Every entry, for persisting. */
  list(): readonly IssuedCredentials[];
  /** Forgets the credentials that expired before `before` (epoch ms). */
  prune(before: number): void;
}

export function createCredentialRegistry(): CredentialRegistry {
  const byKey = new Map<string, IssuedCredentials>();
  return {
    add: (credentials) => {
      byKey.set(credentials.accessKeyId, credentials);
    },
    lookup: (accessKeyId) => byKey.get(accessKeyId),
    list: () => [...byKey.values()],
    prune: (before) => {
      for (const [key, credentials] of byKey) if (credentials.expiresAt < before) byKey.delete(key);
    },
  };
}
