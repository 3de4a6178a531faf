import { generateKeyPairSync, type JsonWebKey, type KeyObject, randomUUID, sign } from 'node:crypto';
import type { UserPoolTrust } from '../../../local/identity-pool/id-token';

export const REGION = 'eu-west-1';
export const USER_POOL_ID = `${REGION}_LocalTest01`;
export const CLIENT_ID = 'localtestclient0000000000a';
export const ISSUER = `https://cognito-idp.${REGION}.amazonaws.com/${USER_POOL_ID}`;
/** The identity pool's Logins key: the issuer without its scheme. */
export const PROVIDER = ISSUER.replace('https://', '');

export interface TestUserPool extends UserPoolTrust {
  /** An ID token as the user pool signs it; `claims` override or (undefined) remove the defaults. */
  idToken(claims?: Record<string, unknown>, signWith?: KeyObject): string;
  /** A key the pool's JWKS does not hold. */
  readonly foreignKey: KeyObject;
}

/** A user pool's signing side: an RSA key, its JWKS, and RS256 ID tokens. */
export function testUserPool(): TestUserPool {
  const key = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const foreign = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const kid = randomUUID();
  const jwk: JsonWebKey = { ...key.publicKey.export({ format: 'jwk' }), kid, alg: 'RS256', use: 'sig' };
  return {
    issuer: ISSUER,
    clientId: CLIENT_ID,
    poolId: USER_POOL_ID,
    jwks: () => ({ keys: [jwk] }),
    foreignKey: foreign.privateKey,
    idToken(claims = {}, signWith = key.privateKey) {
      const now = Math.floor(Date.now() / 1000);
      const payload = Object.fromEntries(
        Object.entries({
          sub: randomUUID(),
          iss: ISSUER,
          aud: CLIENT_ID,
          token_use: 'id',
          email: 'ada@example.com',
          email_verified: true,
          auth_time: now,
          iat: now,
          exp: now + 3600,
          ...claims,
        }).filter(([, value]) => value !== undefined),
      );
      return signJwt({ alg: 'RS256', kid, typ: 'JWT' }, payload, signWith);
    },
  };
}

function signJwt(header: object, payload: object, privateKey: KeyObject): string {
  const encode = (part: object) => Buffer.from(JSON.stringify(part)).toString('base64url');
  const signed = `${encode(header)}.${encode(payload)}`;
  return `${signed}.${sign('RSA-SHA256', Buffer.from(signed), privateKey).toString('base64url')}`;
}
