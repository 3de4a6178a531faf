/**
 * The calls a signed-in user makes with an access token: GetUser, GetUserAuthFactors, ChangePassword,
 * GlobalSignOut, DeleteUser.
 */
import { incorrectCredentials } from '../errors';
import { type Input, requiredString } from '../input';
import { checkPassword } from '../password-rules';
import { type Pool, srpIdentity, userAttributes, userOfAccessToken } from '../pool';
import { createVerifier, verifierMatches } from '../srp';
import { mfaSettings } from './software-token';

const TOKEN_MAX = 8192;
const PASSWORD_MAX = 256;

export function getUser(pool: Pool, input: Input): object {
  const user = userOfAccessToken(pool, requiredString(input, 'AccessToken', TOKEN_MAX));
  return { Username: user.username, UserAttributes: userAttributes(user), ...mfaSettings(user) };
}

/**
 * The user's sign-in factors: every user of this pool has a password, and TOTP once they turned it on. The
 * pool offers no passkeys, e-mail or SMS codes, so those are never among them.
 */
export function getUserAuthFactors(pool: Pool, input: Input): object {
  const user = userOfAccessToken(pool, requiredString(input, 'AccessToken', TOKEN_MAX));
  const totp = user.totp?.enabled === true;
  return {
    Username: user.username,
    ...mfaSettings(user),
    ConfiguredUserAuthFactors: totp ? ['PASSWORD', 'SOFTWARE_TOKEN'] : ['PASSWORD'],
  };
}

export async function changePassword(pool: Pool, input: Input): Promise<object> {
  const accessToken = requiredString(input, 'AccessToken', TOKEN_MAX);
  const previous = requiredString(input, 'PreviousPassword', PASSWORD_MAX);
  const proposed = requiredString(input, 'ProposedPassword', PASSWORD_MAX);
  const signedIn = userOfAccessToken(pool, accessToken);
  const identity = srpIdentity(pool, signedIn.username);
  if (!(await verifierMatches(identity, previous, signedIn))) throw incorrectCredentials();
  checkPassword(proposed, pool.policy);
  const { salt, verifier } = await createVerifier(identity, proposed);
  // Read again after the awaits: the token may have been revoked meanwhile.
  const user = userOfAccessToken(pool, accessToken);
  pool.store.update(
    user,
    (u) => {
      u.salt = salt;
      u.verifier = verifier;
    },
    pool.now(),
  );
  return {};
}

/** Ends every session of the user: refresh tokens and the access tokens issued with them stop working. */
export function globalSignOut(pool: Pool, input: Input): object {
  const user = userOfAccessToken(pool, requiredString(input, 'AccessToken', TOKEN_MAX));
  pool.store.endSessions(user.username);
  return {};
}

/** A user may always delete their own account (Amplify's deleteUser); their sessions end with it. */
export function deleteUser(pool: Pool, input: Input): object {
  const user = userOfAccessToken(pool, requiredString(input, 'AccessToken', TOKEN_MAX));
  pool.store.delete(user);
  return {};
}
