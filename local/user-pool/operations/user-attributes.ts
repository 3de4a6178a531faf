/**
 * A signed-in user's attributes, as the stack's pool and client allow changing them: the client may write
 * `email` only (`writeAttributes`), which the account cannot lose, and a new address takes effect only once
 * the code sent to it is confirmed (`attributesRequireVerificationBeforeUpdate`): until then the old address
 * stays the sign-in and recovery address. Locally the code is printed in the server log instead of being
 * mailed.
 */
import { CognitoError, invalidParameter, validationError } from '../errors';
import { attributeList, type Input, requiredString } from '../input';
import { checkCode, newCode } from '../one-time-code';
import { type Pool, userOfAccessToken } from '../pool';
import type { StoredUser } from '../store';
import { maskEmail } from './forgot-password';

const TOKEN_MAX = 8192;
/** Cognito's attribute verification codes last 24 hours. */
const CODE_LIFETIME_MS = 24 * 60 * 60 * 1000;

/** Cognito's standard attributes; the pool defines no custom ones. */
const SCHEMA: ReadonlySet<string> = new Set([
  'address',
  'birthdate',
  'email',
  'email_verified',
  'family_name',
  'gender',
  'given_name',
  'identities',
  'locale',
  'middle_name',
  'name',
  'nickname',
  'phone_number',
  'phone_number_verified',
  'picture',
  'preferred_username',
  'profile',
  'sub',
  'updated_at',
  'website',
  'zoneinfo',
]);

/** Every attribute but `email` is outside the client's write attributes (modules/user-auth.ts). */
function unauthorizedAttribute(): CognitoError {
  return new CognitoError('NotAuthorizedException', 'A client attempted to write unauthorized attribute');
}

/** A name the schema lacks is refused as Cognito words it, one line each; then any but `email`. */
function checkWritable(names: readonly string[]): void {
  const unknown = names.filter((name) => !SCHEMA.has(name));
  if (unknown.length > 0) {
    throw invalidParameter(
      unknown.map((name) => `user.${name}: Attribute does not exist in the schema.`).join('\n'),
    );
  }
  if (names.some((name) => name !== 'email')) throw unauthorizedAttribute();
}

function sendCode(pool: Pool, user: StoredUser, address: string, change?: (u: StoredUser) => void): object {
  const now = pool.now();
  const { code, stored } = newCode(now, CODE_LIFETIME_MS);
  pool.store.update(
    user,
    (u) => {
      change?.(u);
      u.emailCode = stored;
    },
    now,
  );
  pool.log(`user-pool: e-mail verification code for ${address}: ${code}`);
  return { Destination: maskEmail(address), DeliveryMedium: 'EMAIL', AttributeName: 'email' };
}

export function updateUserAttributes(pool: Pool, input: Input): object {
  const user = userOfAccessToken(pool, requiredString(input, 'AccessToken', TOKEN_MAX));
  const attributes = attributeList(input, 'UserAttributes');
  checkWritable(attributes.map((attribute) => attribute.name));
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

/**
 * The client may write `email` only, and the pool cannot lose it: it is how the user signs in and recovers
 * the account. So DeleteUserAttributes succeeds only for an empty list.
 */
export function deleteUserAttributes(pool: Pool, input: Input): object {
  const accessToken = requiredString(input, 'AccessToken', TOKEN_MAX);
  const names = attributeNames(input);
  userOfAccessToken(pool, accessToken);
  checkWritable(names);
  if (names.length > 0) throw invalidParameter('user.email: Required attribute cannot be deleted.');
  return {};
}

function attributeNames(input: Input): readonly string[] {
  const value = input.UserAttributeNames;
  if (value === undefined || value === null) {
    throw validationError('userAttributeNames', 'Member must not be null', true);
  }
  if (
    !Array.isArray(value) ||
    value.some((name) => typeof name !== 'string' || name.length < 1 || name.length > 32)
  ) {
    throw validationError('userAttributeNames', 'Member must be a list of strings of length 1 to 32');
  }
  return value as string[];
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
  const now = pool.now();
  const check = checkCode(user.emailCode, code, now);
  if (check.outcome === 'expired') {
    throw new CognitoError('ExpiredCodeException', 'Invalid code provided, please request a code again.');
  }
  if (check.outcome === 'mismatch') {
    pool.store.update(
      user,
      (u) => {
        u.emailCode = check.spent;
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
