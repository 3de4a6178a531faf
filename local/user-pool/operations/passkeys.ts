/**
 * Passkeys (WebAuthn), as Cognito answers them for the stack's pool: its sign-in policy allows passwords
 * only and it has no relying party or domain, so registering a passkey is refused
 * (WebAuthnNotEnabledException), a user has none to list, and none to delete (ResourceNotFoundException).
 * The access token is checked first, as for every call a signed-in user makes.
 */
import { CognitoError, validationError } from '../errors';
import { type Input, optionalInteger, optionalString, requiredString } from '../input';
import { type Pool, userOfAccessToken } from '../pool';

const TOKEN_MAX = 8192;

function notEnabled(): CognitoError {
  return new CognitoError('WebAuthnNotEnabledException', 'Passkeys are not enabled for this user pool.');
}

export function startWebAuthnRegistration(pool: Pool, input: Input): object {
  userOfAccessToken(pool, requiredString(input, 'AccessToken', TOKEN_MAX));
  throw notEnabled();
}

export function completeWebAuthnRegistration(pool: Pool, input: Input): object {
  const accessToken = requiredString(input, 'AccessToken', TOKEN_MAX);
  if (input.Credential === undefined || input.Credential === null) {
    throw validationError('credential', 'Member must not be null', true);
  }
  userOfAccessToken(pool, accessToken);
  throw notEnabled();
}

export function listWebAuthnCredentials(pool: Pool, input: Input): object {
  const accessToken = requiredString(input, 'AccessToken', TOKEN_MAX);
  optionalString(input, 'NextToken', 131072);
  optionalInteger(input, 'MaxResults', 1, 20);
  userOfAccessToken(pool, accessToken);
  return { Credentials: [] };
}

export function deleteWebAuthnCredential(pool: Pool, input: Input): object {
  const accessToken = requiredString(input, 'AccessToken', TOKEN_MAX);
  requiredString(input, 'CredentialId', 2048);
  userOfAccessToken(pool, accessToken);
  throw new CognitoError('ResourceNotFoundException', 'Credential not found.');
}
