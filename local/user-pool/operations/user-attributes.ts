/**
 * A signed-in user's e-mail change, as the stack's pool and client allow it: the client may write `email`
 * only (`writeAttributes`), and a new address takes effect only once the code sent to it is confirmed
 * (`attributesRequireVerificationBeforeUpdate`): until then the old address stays the sign-in and recovery
 * address. Locally the code is printed in the server log instead of being mailed.
 */
import { randomInt, timingSafeEqual } from 'node:crypto';
import { CognitoError, invalidParameter } from '../errors';
import { attributeList, type Input, requiredString } from '../input';
import { type Pool, userOfAccessToken } from '../pool';
import { hashSecret, type StoredUser } from '../store';
import { maskEmail } from './forgot-password';

const TOKEN_MAX = 8192;
/** Cognito's attribute verification codes last 24 hours. */
const CODE_LIFETIME_MS = 24 * 60 * 60 * 1000;
const CODE_ATTEMPTS = 5;

/** Every attribute but `email` is outside the client's write attributes (modules/user-auth.ts). */
function unauthorizedAttribute(): CognitoError {
  return new CognitoError('NotAuthorizedException', 'A client attempted to write unauthorized attribute');
}

function sendCode(pool: Pool, user: StoredUser, address: string, change?: (u: StoredUser) => void): object {
  const code = String(randomInt(1_000_000)).padStart(6, '0');
  const now = pool.now();
  pool.store.update(
    user,
    (u) => {
      change?.(u);
      u.emailCode = {
        hash: hashSecret(code),
        expiresAt: now + CODE_LIFETIME_MS,
        attemptsLeft: CODE_ATTEMPTS,
      };
    },
    now,
  );
  pool.log(`user-pool: e-mail verification code for ${address}: ${code}`);
  return { Destination: maskEmail(address), DeliveryMedium: 'EMAIL', AttributeName: 'email' };
}

export function updateUserAttributes(pool: Pool, input: Input): object {
  const user = userOfAccessToken(pool, requiredString(input, 'AccessToken', TOKEN_MAX));
  const attributes = attributeList(input, 'UserAttributes');
  if (attributes.some((attribute) => attribute.name !== 'email')) throw unauthorizedAttribute();
  const email = attributes.at(-1)?.value;
  if (email === undefined) return { CodeDeliveryDetailsList: [] };
  if (!/^[^@\s]+@[^@\s]+$/.test(email)) throw invalidParameter('Invalid email address format.');
  const owner = pool.store.find(email);
  if (owner !== undefined && owner.username !== user.username) {
    throw new CognitoError('AliasExistsException', 'An account with the given email already exists.');
  }
  if (owner !== undefined && user.email.toLowerCase() === email.toLowerCase() && user.emailVerified) {
    return { CodeDeliveryDetailsList: [] };
  }
  const delivery = sendCode(pool, user, email, (u) => {
    u.pendingEmail = email;
  });
  return { CodeDeliveryDetailsList: [delivery] };
}

export function getUserAttributeVerificationCode(pool: Pool, input: Input): object {
  const user = userOfAccessToken(pool, requiredString(input, 'AccessToken', TOKEN_MAX));
  if (requiredString(input, 'AttributeName', 32) !== 'email') throw unauthorizedAttribute();
  return { CodeDeliveryDetails: sendCode(pool, user, user.pendingEmail ?? user.email) };
}

export function verifyUserAttribute(pool: Pool, input: Input): object {
  const user = userOfAccessToken(pool, requiredString(input, 'AccessToken', TOKEN_MAX));
  const name = requiredString(input, 'AttributeName', 32);
  const code = requiredString(input, 'Code', 2048);
  if (name !== 'email') throw unauthorizedAttribute();
  const stored = user.emailCode;
  const now = pool.now();
  if (stored === undefined || stored.expiresAt <= now || stored.attemptsLeft <= 0) {
    throw new CognitoError('ExpiredCodeException', 'Invalid code provided, please request a code again.');
  }
  if (!timingSafeEqual(Buffer.from(hashSecret(code), 'hex'), Buffer.from(stored.hash, 'hex'))) {
    pool.store.update(
      user,
      (u) => {
        u.emailCode = { ...stored, attemptsLeft: stored.attemptsLeft - 1 };
      },
      now,
    );
    throw new CognitoError('CodeMismatchException', 'Invalid verification code provided, please try again.');
  }
  const next = user.pendingEmail;
  // The address may have been taken while its code was on its way.
  const owner = next === undefined ? undefined : pool.store.find(next);
  if (owner !== undefined && owner.username !== user.username) {
    throw new CognitoError('AliasExistsException', 'An account with the given email already exists.');
  }
  pool.store.update(
    user,
    (u) => {
      if (next !== undefined) u.email = next;
      u.emailVerified = true;
      u.pendingEmail = undefined;
      u.emailCode = undefined;
    },
    now,
  );
  return {};
}
