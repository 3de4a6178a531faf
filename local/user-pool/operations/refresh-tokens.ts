/**
 * Amplify v6's and client/'s refresh and sign-out calls: GetTokensFromRefreshToken (which rotates the
 * refresh token when the client's rotation is on) and RevokeToken.
 */
import { type Input, optionalString, requiredString } from '../input';
import { type Pool, refresh, requireClient } from '../pool';

const TOKEN_MAX = 8192;

export function getTokensFromRefreshToken(pool: Pool, input: Input): object {
  const refreshToken = requiredString(input, 'RefreshToken', TOKEN_MAX);
  const clientId = requiredString(input, 'ClientId', 128);
  optionalString(input, 'ClientSecret', 256);
  requireClient(pool, clientId);
  return { AuthenticationResult: refresh(pool, refreshToken, pool.rotation.enabled) };
}

/** Ends the refresh token's session; an unknown token is not an error (OAuth revocation's rule). */
export function revokeToken(pool: Pool, input: Input): object {
  const token = requiredString(input, 'Token', TOKEN_MAX);
  const clientId = requiredString(input, 'ClientId', 128);
  optionalString(input, 'ClientSecret', 256);
  requireClient(pool, clientId);
  const session = pool.store.sessionByRefreshToken(token, pool.now());
  if (session !== undefined && session.clientId === clientId) pool.store.endSession(session.originJti);
  return {};
}
