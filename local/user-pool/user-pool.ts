/**
 * The Cognito user pool stand-in: one pool with one app client, configured like the stack's (email as the
 * username attribute, SRP and rotating refresh tokens only, user-existence errors prevented, the stack's password policy
 * and token lifetimes). `handle` answers the JSON 1.1 protocol; `jwks` is what
 * `/<poolId>/.well-known/jwks.json` serves.
 */

import { type JsonWebKey, randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { passwordPolicy } from '../../contract/password-policy';
import { tokenValidity } from '../../contract/token-validity';
import { type SigningCredentials, verifySigV4 } from '../sigv4/verify';
import { Challenges } from './challenges';
import { createHandler } from './handler';
import { checkPassword } from './password-rules';
import type { Pool } from './pool';
import { loadOrCreateKeys } from './signing-keys';
import { createVerifier } from './srp';
import { UserStore } from './store';
import { issuerFor } from './tokens';

export interface UserPoolOptions {
  readonly region: string;
  /** `<region>_<id>`, as the SDKs expect (they split it on `_`). */
  readonly poolId: string;
  readonly clientId: string;
  /** Where users, sessions and signing keys are kept (`<data>/user-pool/`). */
  readonly dataDir: string;
  /** The local administrator's credentials: admin calls must be SigV4-signed with them. */
  readonly adminCredentials: SigningCredentials;
  readonly log: (line: string) => void;
  /** Epoch ms. @default Date.now */
  readonly now?: () => number;
  /** The app client's refresh-token rotation. @default tokenValidity.rotation, as the stack's default */
  readonly refreshTokenRotation?: { readonly enabled: boolean; readonly retryGraceSeconds: number };
}

export interface UserPool {
  handle(req: IncomingMessage, body: Buffer, res: ServerResponse): Promise<void>;
  jwks(): { keys: JsonWebKey[] };
  /** `https://cognito-idp.<region>.amazonaws.com/<poolId>`, the production shape. */
  readonly issuer: string;
  /**
   * Creates a confirmed user with a permanent password and a verified email, unless a user with that email
   * exists already (then it is left alone: its owner may have changed the password). For the demo user.
   */
  ensureUser(
    email: string,
    password: string,
  ): Promise<{ readonly username: string; readonly created: boolean }>;
}

const DAY_MS = 24 * 60 * 60 * 1000;

export async function createUserPool(options: UserPoolOptions): Promise<UserPool> {
  const [region, poolName] = options.poolId.split('_');
  if (region !== options.region || !/^[0-9a-zA-Z]+$/.test(poolName ?? '')) {
    throw new Error(`user pool id ${options.poolId} must look like ${options.region}_<letters and digits>`);
  }
  const now = options.now ?? Date.now;
  const keys = loadOrCreateKeys(options.dataDir);
  const issuer = issuerFor(options.region, options.poolId);
  const pool: Pool = {
    poolId: options.poolId,
    poolName,
    clientId: options.clientId,
    store: UserStore.open(options.dataDir),
    challenges: new Challenges(),
    tokens: {
      issuer,
      clientId: options.clientId,
      keys,
      lifetimeSeconds: tokenValidity.accessAndIdMinutes * 60,
    },
    policy: passwordPolicy,
    refreshTokenLifetimeMs: tokenValidity.refreshDays * DAY_MS,
    rotation: {
      enabled: (options.refreshTokenRotation ?? tokenValidity.rotation).enabled,
      retryGraceMs: (options.refreshTokenRotation ?? tokenValidity.rotation).retryGraceSeconds * 1000,
    },
    decoySecret: keys.decoySecret,
    log: options.log,
    now,
  };
  const admin = options.adminCredentials;
  const handle = createHandler(pool, (req) =>
    verifySigV4(req, {
      service: 'cognito-idp',
      region: options.region,
      lookup: (accessKeyId) => (accessKeyId === admin.accessKeyId ? admin : undefined),
      uriEscapePath: true,
      now,
    }),
  );

  return {
    handle,
    jwks: () => ({ keys: [keys.id.jwk, keys.access.jwk] }),
    issuer,
    async ensureUser(email, password) {
      if (pool.store.find(email) === undefined) checkPassword(password, pool.policy);
      const username = randomUUID();
      const verifier = await createVerifier({ poolName, userId: username }, password);
      const existing = pool.store.find(email);
      if (existing !== undefined) return { username: existing.username, created: false };
      const at = now();
      pool.store.add({
        username,
        email,
        emailVerified: true,
        status: 'CONFIRMED',
        enabled: true,
        ...verifier,
        createdAt: at,
        updatedAt: at,
      });
      return { username, created: true };
    },
  };
}
