/**
 * Session management (ListUserSessions, RevokeUserSession) needs session tracking, which a pool has only
 * once SetUserPoolSessionConfiguration turns it on; the stack never does, so Cognito keeps no session
 * records for it and refuses both calls as unavailable in the pool's configuration. A user ends their
 * sessions with GlobalSignOut or RevokeToken instead.
 */
import { CognitoError, validationError } from '../errors';
import { type Input, optionalString, requiredString } from '../input';
import { type Pool, userOfAccessToken } from '../pool';

const TOKEN_MAX = 8192;

function trackingOff(): CognitoError {
  return new CognitoError(
    'OperationNotEnabledException',
    'Session tracking is not enabled for this user pool.',
  );
}

export function listUserSessions(pool: Pool, input: Input): object {
  const accessToken = requiredString(input, 'AccessToken', TOKEN_MAX);
  optionalString(input, 'NextToken', 131072);
  userOfAccessToken(pool, accessToken);
  throw trackingOff();
}

export function revokeUserSession(pool: Pool, input: Input): object {
  const accessToken = requiredString(input, 'AccessToken', TOKEN_MAX);
  requiredString(input, 'SessionId', 2048);
  const linked = optionalString(input, 'RevokeAssociatedSessions', 16);
  if (linked !== undefined && linked !== 'NONE' && linked !== 'LINKED') {
    throw validationError('revokeAssociatedSessions', 'Member must satisfy enum value set: [NONE, LINKED]');
  }
  userOfAccessToken(pool, accessToken);
  throw trackingOff();
}
