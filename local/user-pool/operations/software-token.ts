/**
 * TOTP multi-factor authentication, as the stack's pool offers it (`mfaConfiguration` OPTIONAL, software
 * tokens only): a signed-in user associates an authenticator (AssociateSoftwareToken), proves it with a code
 * (VerifySoftwareToken), then turns it on (SetUserMFAPreference); from then on each sign-in answers a
 * SOFTWARE_TOKEN_MFA challenge (respond-to-auth-challenge.ts). Error messages as Cognito words them where
 * apps match them: "Code mismatch", "User has not verified software token mfa", "Invalid code received for user".
 */
import { CognitoError, invalidParameter, validationError } from '../errors';
import { type Input, optionalBoolean, optionalString, requiredString } from '../input';
import { type Pool, userOfAccessToken } from '../pool';
import type { StoredUser } from '../store';
import { matchingStep, newTotpSecret } from '../totp';

const TOKEN_MAX = 8192;

export function associateSoftwareToken(pool: Pool, input: Input): object {
  const accessToken = optionalString(input, 'AccessToken', TOKEN_MAX);
  // Session is MFA_SETUP's, a challenge only a pool that requires MFA gives: this pool never issues one.
  if (accessToken === undefined) {
    optionalString(input, 'Session', 2048);
    throw new CognitoError('NotAuthorizedException', 'Invalid session for the user, session is expired.');
  }
  const user = userOfAccessToken(pool, accessToken);
  const secret = newTotpSecret();
  pool.store.update(
    user,
    (u) => {
      u.totpPending = secret;
    },
    pool.now(),
  );
  return { SecretCode: secret };
}

export function verifySoftwareToken(pool: Pool, input: Input): object {
  const accessToken = optionalString(input, 'AccessToken', TOKEN_MAX);
  const code = requiredString(input, 'UserCode', 6);
  optionalString(input, 'FriendlyDeviceName', 131072);
  if (accessToken === undefined) {
    throw new CognitoError('NotAuthorizedException', 'Invalid session for the user, session is expired.');
  }
  if (!/^[0-9]{6}$/.test(code)) {
    throw validationError('userCode', 'Member must satisfy regular expression pattern: [0-9]+');
  }
  const user = userOfAccessToken(pool, accessToken);
  const secret = user.totpPending;
  if (secret === undefined) {
    throw new CognitoError('EnableSoftwareTokenMFAException', 'Code mismatch');
  }
  const step = matchingStep(secret, code, pool.now());
  if (step === undefined) throw new CognitoError('EnableSoftwareTokenMFAException', 'Code mismatch');
  pool.store.update(
    user,
    (u) => {
      u.totpPending = undefined;
      // A new authenticator replaces the old one and keeps the user's choice to use it.
      u.totp = {
        secret,
        enabled: u.totp?.enabled ?? false,
        preferred: u.totp?.preferred ?? false,
        lastStep: step,
      };
    },
    pool.now(),
  );
  return { Status: 'SUCCESS' };
}

export function setUserMfaPreference(pool: Pool, input: Input): object {
  const user = userOfAccessToken(pool, requiredString(input, 'AccessToken', TOKEN_MAX));
  // The pool offers neither SMS nor e-mail MFA: turning either on is refused, turning it off changes nothing.
  for (const other of ['SMSMfaSettings', 'EmailMfaSettings']) {
    if (settings(input, other).enabled === true) {
      throw invalidParameter(
        `${other === 'SMSMfaSettings' ? 'SMS' : 'Email'} MFA is not enabled for this user pool.`,
      );
    }
  }
  const software = settings(input, 'SoftwareTokenMfaSettings');
  if (software.enabled === undefined && software.preferred === undefined) return {};
  if (user.totp === undefined && (software.enabled === true || software.preferred === true)) {
    throw invalidParameter('User has not verified software token mfa');
  }
  pool.store.update(
    user,
    (u) => {
      if (u.totp === undefined) return;
      const enabled = software.enabled ?? u.totp.enabled;
      u.totp = { ...u.totp, enabled, preferred: enabled && (software.preferred ?? u.totp.preferred) };
    },
    pool.now(),
  );
  return {};
}

function settings(input: Input, name: string): { enabled?: boolean; preferred?: boolean } {
  const value = input[name];
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw validationError(name[0].toLowerCase() + name.slice(1), 'Member must be a structure');
  }
  const member = value as Input;
  return { enabled: optionalBoolean(member, 'Enabled'), preferred: optionalBoolean(member, 'PreferredMfa') };
}

/** GetUser's MFA members for a user with TOTP turned on. */
export function mfaSettings(user: StoredUser): object {
  if (user.totp?.enabled !== true) return {};
  return {
    UserMFASettingList: ['SOFTWARE_TOKEN_MFA'],
    ...(user.totp.preferred ? { PreferredMfaSetting: 'SOFTWARE_TOKEN_MFA' } : {}),
  };
}

/**
 * Checks a sign-in's TOTP code: each code signs in once (a replay in the same 30 s is refused), and a
 * wrong one may be retried within the session's attempts.
 */
export function checkSignInCode(pool: Pool, user: StoredUser, code: string): boolean {
  const totp = user.totp;
  if (totp === undefined) return false;
  const step = matchingStep(totp.secret, code, pool.now(), totp.lastStep);
  if (step === undefined) return false;
  pool.store.update(
    user,
    (u) => {
      if (u.totp !== undefined) u.totp = { ...u.totp, lastStep: step };
    },
    pool.now(),
  );
  return true;
}
