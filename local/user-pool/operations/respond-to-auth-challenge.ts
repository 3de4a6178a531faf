/**
 * RespondToAuthChallenge: the SRP proof (PASSWORD_VERIFIER), the first-sign-in NEW_PASSWORD_REQUIRED and,
 * for a user who turned TOTP on, SOFTWARE_TOKEN_MFA.
 */
import { CognitoError, incorrectCredentials, invalidParameter, validationError } from '../errors';
import { type Input, optionalString, requiredString, stringMap } from '../input';
import { checkPassword } from '../password-rules';
import { type Pool, requireClient, requireEnabled, signIn, srpIdentity } from '../pool';
import { claimIsValid, createVerifier } from '../srp';
import type { StoredUser } from '../store';
import { setPermanentPassword } from './set-password';
import { checkSignInCode } from './software-token';

/** How many wrong TOTP codes one sign-in session takes before it ends. */
const MFA_ATTEMPTS = 3;

/** `ddd MMM D HH:mm:ss UTC YYYY`, as every Cognito SRP client writes it. */
const TIMESTAMP =
  /^(Sun|Mon|Tue|Wed|Thu|Fri|Sat) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{1,2} \d\d:\d\d:\d\d UTC \d{4}$/;

function expiredSession(): CognitoError {
  return new CognitoError('NotAuthorizedException', 'Invalid session for the user, session is expired.');
}

export async function respondToAuthChallenge(pool: Pool, input: Input): Promise<object> {
  const clientId = requiredString(input, 'ClientId', 128);
  const challenge = requiredString(input, 'ChallengeName');
  const responses = stringMap(input, 'ChallengeResponses');
  const session = optionalString(input, 'Session', 2048);
  requireClient(pool, clientId);
  const required = (name: string): string => {
    const value = responses[name];
    if (value === undefined || value === '') throw invalidParameter(`Missing required parameter ${name}`);
    return value;
  };
  if (challenge === 'PASSWORD_VERIFIER') return verifyPassword(pool, required);
  if (challenge === 'NEW_PASSWORD_REQUIRED') {
    if (session === undefined) throw validationError('session', 'Member must not be null', true);
    return setNewPassword(pool, session, responses, required);
  }
  if (challenge === 'SOFTWARE_TOKEN_MFA') {
    if (session === undefined) throw validationError('session', 'Member must not be null', true);
    return answerTotp(pool, session, required);
  }
  throw invalidParameter(`Unsupported challenge: ${challenge}`);
}

async function verifyPassword(pool: Pool, required: (name: string) => string): Promise<object> {
  const username = required('USERNAME');
  const secretBlock = required('PASSWORD_CLAIM_SECRET_BLOCK');
  const timestamp = required('TIMESTAMP');
  const signature = required('PASSWORD_CLAIM_SIGNATURE');
  if (!TIMESTAMP.test(timestamp)) throw invalidParameter('Invalid TIMESTAMP');
  const now = pool.now();
  const pending = pool.challenges.verifiers.take(secretBlock, now);
  if (pending === undefined) throw expiredSession();
  const claim = { secretBlock: Buffer.from(secretBlock, 'base64'), timestamp, signature };
  const proven = await claimIsValid(pending.identity, pending.verifier, pending.handshake, claim);
  const user = pool.store.find(username);
  if (pending.username === undefined || user?.username !== pending.username) throw incorrectCredentials();
  if (!proven) throw incorrectCredentials();
  requireEnabled(user);
  if (user.status === 'FORCE_CHANGE_PASSWORD') {
    return {
      ChallengeName: 'NEW_PASSWORD_REQUIRED',
      ChallengeParameters: {
        USER_ID_FOR_SRP: user.username,
        requiredAttributes: '[]',
        userAttributes: JSON.stringify({ email_verified: String(user.emailVerified), email: user.email }),
      },
      Session: pool.challenges.newPasswords.put({ username: user.username }, now, 96),
    };
  }
  return finishSignIn(pool, user);
}

/** Tokens, or first the TOTP challenge for a user who turned it on. */
function finishSignIn(pool: Pool, user: StoredUser): object {
  if (user.totp?.enabled === true) {
    return {
      ChallengeName: 'SOFTWARE_TOKEN_MFA',
      ChallengeParameters: {},
      Session: pool.challenges.mfa.put(
        { username: user.username, attemptsLeft: MFA_ATTEMPTS },
        pool.now(),
        96,
      ),
    };
  }
  return { AuthenticationResult: signIn(pool, user), ChallengeParameters: {} };
}

function answerTotp(pool: Pool, session: string, required: (name: string) => string): object {
  const username = required('USERNAME');
  const code = required('SOFTWARE_TOKEN_MFA_CODE');
  const now = pool.now();
  const pending = pool.challenges.mfa.peek(session, now);
  if (pending === undefined) throw expiredSession();
  const user = pool.store.find(username);
  if (user === undefined || user.username !== pending.username) throw expiredSession();
  requireEnabled(user);
  if (!checkSignInCode(pool, user, code)) {
    pending.attemptsLeft -= 1;
    if (pending.attemptsLeft <= 0) pool.challenges.mfa.take(session, now);
    throw new CognitoError('CodeMismatchException', 'Invalid code received for user');
  }
  pool.challenges.mfa.take(session, now);
  return { AuthenticationResult: signIn(pool, user), ChallengeParameters: {} };
}

async function setNewPassword(
  pool: Pool,
  session: string,
  responses: Readonly<Record<string, string>>,
  required: (name: string) => string,
): Promise<object> {
  const username = required('USERNAME');
  const password = required('NEW_PASSWORD');
  for (const name of Object.keys(responses)) {
    if (name === 'userAttributes.email') throw invalidParameter('Cannot modify an already provided email');
    if (name.startsWith('userAttributes.')) throw invalidParameter('Attribute does not exist in the schema.');
  }
  // The policy is checked before the session is used up, so the user can try another password.
  checkPassword(password, pool.policy);
  const pending = pool.challenges.newPasswords.take(session, pool.now());
  if (pending === undefined) throw expiredSession();
  const next = await createVerifier(srpIdentity(pool, pending.username), password);
  const user = pool.store.find(username);
  if (user === undefined || user.username !== pending.username) throw expiredSession();
  requireEnabled(user);
  pool.store.update(user, (u) => setPermanentPassword(u, next), pool.now());
  return { AuthenticationResult: signIn(pool, user), ChallengeParameters: {} };
}
