import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { CredentialRegistry, IssuedCredentials } from '../credentials/registry';
import { readJsonFile, writeJsonFile } from '../json-file';

/** Credentials stay known this long past their expiry, so that late use reads as expired, not unknown. */
const KEEP_EXPIRED_MS = 24 * 60 * 60 * 1000;

const FILE = 'identities.json';

interface State {
  /** User pool `sub` → identity id: stable, as in Cognito, because it names the user's folder. */
  readonly identities: Record<string, string>;
  readonly credentials: readonly IssuedCredentials[];
}

export interface IdentityStore {
  /** The identity id of a user, created on first sign-in. */
  identityIdFor(sub: string): string;
  /** The `sub` an identity id belongs to, if it exists. */
  subOf(identityId: string): string | undefined;
  /** Forgets an identity (DeleteIdentities); its issued credentials stay until they expire. */
  deleteIdentity(identityId: string): void;
  /** Adds issued credentials to the registry and keeps them across restarts. */
  recordCredentials(credentials: IssuedCredentials): void;
}

/**
 * The identity pool's state in `<dataDir>/identities.json`, written whole and atomically (temporary file,
 * then rename) after each change. It holds secrets: the file is readable by its owner only. Loading puts
 * the still-relevant credentials back into the registry, so signed-in sessions survive a restart.
 */
export function openIdentityStore(options: {
  readonly dataDir: string;
  readonly region: string;
  readonly registry: CredentialRegistry;
  readonly now: () => number;
}): IdentityStore {
  const { dataDir, region, registry, now } = options;
  const path = join(dataDir, FILE);
  const state = load(path);
  const identities = new Map(Object.entries(state.identities));
  const subs = new Map([...identities].map(([sub, identityId]) => [identityId, sub]));
  for (const credentials of state.credentials) registry.add(credentials);
  registry.prune(now() - KEEP_EXPIRED_MS);

  const save = (): void => {
    writeJsonFile(path, {
      identities: Object.fromEntries(identities),
      credentials: registry.list(),
    } satisfies State);
  };

  return {
    identityIdFor(sub) {
      let identityId = identities.get(sub);
      if (identityId === undefined) {
        identityId = `${region}:${randomUUID()}`;
        identities.set(sub, identityId);
        subs.set(identityId, sub);
        save();
      }
      return identityId;
    },
    subOf: (identityId) => subs.get(identityId),
    deleteIdentity(identityId) {
      const sub = subs.get(identityId);
      if (sub === undefined) return;
      subs.delete(identityId);
      identities.delete(sub);
      save();
    },
    recordCredentials(credentials) {
      registry.add(credentials);
      registry.prune(now() - KEEP_EXPIRED_MS);
      save();
    },
  };
}

function load(path: string): State {
  const state = readJsonFile(path);
  if (state === undefined) return { identities: {}, credentials: [] };
  if (!isState(state))
    throw new Error(`${path} is not the identity pool's state: move it away to start afresh`);
  return state;
}

function isState(value: unknown): value is State {
  if (typeof value !== 'object' || value === null) return false;
  const { identities, credentials } = value as Record<string, unknown>;
  return (
    typeof identities === 'object' &&
    identities !== null &&
    Object.values(identities).every((id) => typeof id === 'string') &&
    Array.isArray(credentials) &&
    credentials.every(isCredentials)
  );
}

function isCredentials(value: unknown): value is IssuedCredentials {
  if (typeof value !== 'object' || value === null) return false;
  const c = value as Record<string, unknown>;
  const identity = c.identity as Record<string, unknown> | null | undefined;
  return (
    typeof c.accessKeyId === 'string' &&
    typeof c.secretAccessKey === 'string' &&
    typeof c.sessionToken === 'string' &&
    typeof c.expiresAt === 'number' &&
    typeof identity === 'object' &&
    identity !== null &&
    ['identityId', 'identityPoolId', 'sub', 'userPoolId'].every(
      (name) => typeof identity[name] === 'string',
    ) &&
    identity.authenticationType === 'authenticated'
  );
}
