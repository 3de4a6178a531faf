/**
 * The pool's RSA keys (one for id tokens, one for access tokens, as AWS does) and the secret behind decoy
 * sign-ins, created on first start and kept in `<dataDir>/keys.json` so tokens stay valid across restarts.
 */
import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type JsonWebKey,
  type KeyObject,
  randomBytes,
} from 'node:crypto';
import { join } from 'node:path';
import { readJsonFile, writeJsonFile } from '../json-file';

export interface SigningKey {
  readonly kid: string;
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
  /** The public half as the JWKS lists it. */
  readonly jwk: JsonWebKey;
}

export interface PoolKeys {
  readonly id: SigningKey;
  readonly access: SigningKey;
  /** Derives stable salts for unknown users, so a decoy answer looks the same every time. */
  readonly decoySecret: Buffer;
}

interface StoredKeys {
  readonly version: 1;
  readonly id: JsonWebKey;
  readonly access: JsonWebKey;
  readonly decoySecret: string;
}

function signingKey(privateJwk: JsonWebKey): SigningKey {
  const privateKey = createPrivateKey({ key: privateJwk, format: 'jwk' });
  const publicKey = createPublicKey(privateKey);
  const { n, e } = publicKey.export({ format: 'jwk' });
  const kid = createHash('sha256').update(`${n}.${e}`).digest('base64');
  return {
    kid,
    privateKey,
    publicKey,
    jwk: { alg: 'RS256', e, kid, kty: 'RSA', n, use: 'sig' },
  };
}

function newPrivateJwk(): JsonWebKey {
  return generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' });
}

export function loadOrCreateKeys(dataDir: string): PoolKeys {
  const path = join(dataDir, 'keys.json');
  let stored = readJsonFile(path) as StoredKeys | undefined;
  if (stored === undefined) {
    stored = {
      version: 1,
      id: newPrivateJwk(),
      access: newPrivateJwk(),
      decoySecret: randomBytes(32).toString('base64'),
    };
    writeJsonFile(path, stored);
  } else if (stored.version !== 1) {
    throw new Error(`${path}: unknown version ${String(stored.version)}`);
  }
  return {
    id: signingKey(stored.id),
    access: signingKey(stored.access),
    decoySecret: Buffer.from(stored.decoySecret, 'base64'),
  };
}
