/**
 * ForgotPassword and ConfirmForgotPassword. Locally the code is printed in the server log instead of being
 * mailed; the code is kept only as a hash. Unknown users get the same answer as known ones.
 */
import { CognitoError, invalidParameter } from '../errors';
import { type Input, requiredString } from '../input';
import { checkCode, newCode } from '../one-time-code';
import { checkPassword } from '../password-rules';
import { type Pool, requireClient, srpIdentity } from '../pool';
import { createVerifier } from '../srp';
import type { StoredUser } from '../store';
import { setPermanentPassword } from './set-password';

const CODE_LIFETIME_MS = 60 * 60 * 1000;

/** `a***@e***`, the way Cognito shows where it sent a code. */
export function maskEmail(email: string): string {
  const [local, domain = ''] = email.split('@');
  return `${local.slice(0, 1)}***@${domain.slice(0, 1)}***`;
}

export function forgotPassword(pool: Pool, input: Input): object {
  requireClient(pool, requiredString(input, 'ClientId', 128));
  const name = requiredString(input, 'Username', 128);
  const user = pool.store.find(name);
  if (user === undefined || !user.enabled) return codeDelivery(name.includes('@') ? name : 'x@x');
  sendResetCode(pool, user);
  return codeDelivery(user.email);
}

/** Where a code went, masked, as ForgotPassword and ResendConfirmationCode answer. */
export function codeDelivery(email: string): object {
  return {
    CodeDeliveryDetails: { Destination: maskEmail(email), DeliveryMedium: 'EMAIL', AttributeName: 'email' },
  };
}

/**
 * Makes a reset code for ConfirmForgotPassword and "mails" it (prints it in the log), as ForgotPassword and
 * AdminResetUserPassword do; `change` also applies to the user in the same update.
 */
export function sendResetCode(pool: Pool, user: StoredUser, change?: (user: StoredUser) => void): void {
  if (user.status === 'FORCE_CHANGE_PASSWORD') {
    throw new CognitoError('NotAuthorizedException', 'User password cannot be reset in the current state.');
  }
  if (!user.emailVerified) {
    throw invalidParameter(
      'Cannot reset password for the user as there is no registered/verified email or phone_number',
    );
  }
  const now = pool.now();
  const { code, stored } = newCode(now, CODE_LIFETIME_MS);
  pool.store.update(
    user,
    (u) => {
      u.resetCode = stored;
      change?.(u);
    },
    now,
  );
  pool.log(`user-pool: password reset code for ${user.email}: ${code}`);
}

export async function confirmForgotPassword(pool: Pool, input: Input): Promise<object> {
  requireClient(pool, requiredString(input, 'ClientId', 128));
  const name = requiredString(input, 'Username', 128);
  const code = requiredString(input, 'ConfirmationCode', 2048);
  const password = requiredString(input, 'Password', 256);
  const mismatch = new CognitoError(
    'CodeMismatchException',
    'Invalid verification code provided, please try again.',
  );
  const expired = new CognitoError(
    'ExpiredCodeException',
    'Invalid code provided, please request a code again.',
  );
  checkPassword(password, pool.policy);
  const found = pool.store.find(name);
  if (found === undefined || !found.enabled) throw mismatch;
  // Derived first, so that the code is checked and spent with no await in between.
  const next = await createVerifier(srpIdentity(pool, found.username), password);
  const user = pool.store.find(name);
  if (user?.username !== found.username || !user.enabled) throw mismatch;
  const now = pool.now();
  const check = checkCode(user.resetCode, code, now);
  if (check.outcome === 'expired') throw expired;
  if (check.outcome === 'mismatch') {
    pool.store.update(
      user,
      (u) => {
        u.resetCode = check.spent;
      },
      now,
    );
    throw mismatch;
  }
  pool.store.update(
    user,
    (u) => {
      setPermanentPassword(u, next);
      u.resetCode = undefined;
    },
    now,
  );
  return {};
}
