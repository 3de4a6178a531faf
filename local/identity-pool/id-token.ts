import { createPublicKey, type JsonWebKey, verify } from 'node:crypto';
import { IdentityPoolError } from './json-protocol';

/** What the identity pool trusts of the user pool: its issuer, app client and signing keys. */
export interface UserPoolTrust {
  /** `https://cognito-idp.<region>.amazonaws.com/<poolId>`, the tokens' `iss`. */
  readonly issuer: string;
  /** The app client: the ID token's `aud`. */
  readonly clientId: string;
  /** The current signing keys (read on every check, so a rotation takes effect at once). */
  jwks(): { readonly keys: readonly JsonWebKey[] };
  readonly poolId: string;
}

/** AWS's messages for a login token it refuses. */
const INVALID = 'Invalid login token.';

function refuse(detail: string): IdentityPoolError {
  return new IdentityPoolError('NotAuthorizedException', `${INVALID} ${detail}`);
}

/**
 * Checks a user pool ID token as Cognito's identity pool does: RS256 signature by a key of the pool's
 * JWKS, issuer, audience (the app client: access tokens have none), `token_use`, expiry. Returns the
 * user's `sub`; anything else is NotAuthorizedException.
 */
export function verifyIdToken(token: string, userPool: UserPoolTrust, nowMs: number): string {
  const [encodedHeader, encodedPayload, encodedSignature, ...rest] = token.split('.');
  if (encodedHeader === undefined || encodedPayload === undefined || encodedSignature === undefined) {
    throw refuse('Not a valid OpenId Connect identity token.');
  }
  if (rest.length > 0) throw refuse('Not a valid OpenId Connect identity token.');
  const header = decodeJson(encodedHeader);
  if (header.alg !== 'RS256' || typeof header.kid !== 'string') throw refuse('Token signature invalid.');
  const key = userPool.jwks().keys.find((candidate) => candidate.kid === header.kid);
  if (key === undefined || !signatureMatches(key, `${encodedHeader}.${encodedPayload}`, encodedSignature)) {
    throw refuse('Token signature invalid.');
  }

  const claims = decodeJson(encodedPayload);
  if (claims.iss !== userPool.issuer) throw refuse("Issuer doesn't match providerName");
  if (claims.aud !== userPool.clientId) throw refuse('Incorrect token audience.');
  if (claims.token_use !== 'id') throw refuse('Not a valid OpenId Connect identity token.');
  const nowSeconds = Math.floor(nowMs / 1000);
  if (typeof claims.exp !== 'number') throw refuse('Missing a required claim: exp');
  if (claims.exp <= nowSeconds) throw refuse(`Token expired: ${nowSeconds} >= ${claims.exp}`);
  if (typeof claims.sub !== 'string' || claims.sub === '') throw refuse('Missing a required claim: sub');
  return claims.sub;
}

function decodeJson(segment: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
      return value as Record<string, unknown>;
    }
  } catch {
    // Falls through to the refusal: the text is the caller's, not ours to report.
  }
  throw refuse('Not a valid OpenId Connect identity token.');
}

function signatureMatches(jwk: JsonWebKey, signed: string, signature: string): boolean {
  if (jwk.kty !== 'RSA' || (jwk.alg !== undefined && jwk.alg !== 'RS256')) return false;
  try {
    const key = createPublicKey({ key: jwk, format: 'jwk' });
    return verify('RSA-SHA256', Buffer.from(signed), key, Buffer.from(signature, 'base64url'));
  } catch {
    return false;
  }
}
