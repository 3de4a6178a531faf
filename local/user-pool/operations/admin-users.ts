/**
 * The administrator's calls (SigV4-signed with the local admin credentials; the handler checks that):
 * AdminCreateUser, AdminSetUserPassword, AdminGetUser, AdminDisableUser, AdminEnableUser, AdminDeleteUser.
 * Unlike sign-in, these say plainly when a user does not exist, as Cognito's admin API does.
 */
import { randomUUID } from 'node:crypto';
import { CognitoError, invalidParameter, validationError } from '../errors';
import { attributeList, type Input, optionalBoolean, optionalString, requiredString } from '../input';
import { checkPassword, generateTemporaryPassword } from '../password-rules';
import {
  type AttributeType,
  epochSeconds,
  type Pool,
  requirePool,
  srpIdentity,
  userAttributes,
} from '../pool';
import { createVerifier } from '../srp';
import type { StoredUser } from '../store';
import { setPermanentPassword, setTemporaryPassword } from './set-password';
import { mfaSettings } from './software-token';

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** The user an admin call names in `UserPoolId` and `Username`. */
function namedUser(pool: Pool, input: Input): StoredUser {
  requirePool(pool, requiredString(input, 'UserPoolId', 55));
  const user = pool.store.find(requiredString(input, 'Username', 128));
  if (user === undefined) throw new CognitoError('UserNotFoundException', 'User does not exist.');
  return user;
}

/** The `UserType` of AdminCreateUser and ListUsers. */
export interface UserType {
  readonly Username: string;
  readonly Attributes: AttributeType[];
  readonly UserCreateDate: number;
  readonly UserLastModifiedDate: number;
  readonly Enabled: boolean;
  readonly UserStatus: string;
}

export function userType(user: StoredUser): UserType {
  return {
    Username: user.username,
    Attributes: userAttributes(user),
    UserCreateDate: epochSeconds(user.createdAt),
    UserLastModifiedDate: epochSeconds(user.updatedAt),
    Enabled: user.enabled,
    UserStatus: user.status,
  };
}

interface NewUserAttributes {
  readonly email?: string;
  readonly emailVerified: boolean;
}

function readAttributes(input: Input): NewUserAttributes {
  let email: string | undefined;
  let emailVerified = false;
  for (const { name, value } of attributeList(input, 'UserAttributes')) {
    if (name === 'email') email = value;
    else if (name === 'email_verified') {
      if (value !== 'true' && value !== 'false') throw invalidParameter('Invalid value for email_verified');
      emailVerified = value === 'true';
    } else if (name === 'sub') throw invalidParameter('Cannot modify the non-mutable attribute sub');
    else
      throw invalidParameter(
        `Attributes did not conform to the schema: ${name}: Attribute does not exist in the schema.`,
      );
  }
  return { email, emailVerified };
}

export async function adminCreateUser(pool: Pool, input: Input): Promise<object> {
  requirePool(pool, requiredString(input, 'UserPoolId', 55));
  const username = requiredString(input, 'Username', 128);
  const given = optionalString(input, 'TemporaryPassword', 256);
  const action = optionalString(input, 'MessageAction');
  if (action !== undefined && action !== 'SUPPRESS' && action !== 'RESEND') {
    throw validationError('messageAction', 'Member must satisfy enum value set: [RESEND, SUPPRESS]');
  }
  const attributes = readAttributes(input);
  if (given !== undefined) checkPassword(given, pool.policy);
  const password = given ?? generateTemporaryPassword(pool.policy);
  // The verifier is derived from the user's id before the store is read: no await between reading the
  // store and writing it, so two requests for one email cannot both pass the checks below.
  const resent = action === 'RESEND' ? pool.store.find(username)?.username : undefined;
  const userId = resent ?? randomUUID();
  const temporary = await createVerifier(srpIdentity(pool, userId), password);
  const now = pool.now();
  const existing = pool.store.find(username);

  if (action === 'RESEND') {
    if (existing?.username !== userId)
      throw new CognitoError('UserNotFoundException', 'User does not exist.');
    if (existing.status !== 'FORCE_CHANGE_PASSWORD') {
      throw new CognitoError('UnsupportedUserStateException', 'User is not in FORCE_CHANGE_PASSWORD state');
    }
    pool.store.update(existing, (u) => setTemporaryPassword(pool, u, temporary), now);
    logInvitation(pool, existing.email, password);
    return { User: userType(existing) };
  }

  if (!EMAIL.test(username)) throw invalidParameter('Username should be an email.');
  if (attributes.email !== undefined && attributes.email.toLowerCase() !== username.toLowerCase()) {
    throw invalidParameter('Email in UserAttributes must match the Username.');
  }
  if (existing !== undefined) {
    throw new CognitoError('UsernameExistsException', 'An account with the given email already exists.');
  }
  const user: StoredUser = {
    username: userId,
    email: username,
    emailVerified: attributes.emailVerified,
    status: 'FORCE_CHANGE_PASSWORD',
    enabled: true,
    salt: '',
    verifier: '',
    createdAt: now,
    updatedAt: now,
  };
  setTemporaryPassword(pool, user, temporary);
  pool.store.add(user);
  if (action !== 'SUPPRESS') logInvitation(pool, user.email, password);
  return { User: userType(user) };
}

/**
 * Cognito mails the invitation with the temporary password; locally the server log is the mailbox, as for
 * forgot-password codes, so that a user created without SUPPRESS can still sign in. Only this line ever
 * shows a password, and only a temporary one that the first sign-in must replace.
 */
function logInvitation(pool: Pool, email: string, temporaryPassword: string): void {
  pool.log(
    `user-pool: invitation for ${email} (printed, not mailed): temporary password ${temporaryPassword}`,
  );
}

export async function adminSetUserPassword(pool: Pool, input: Input): Promise<object> {
  const password = requiredString(input, 'Password', 256);
  const permanent = optionalBoolean(input, 'Permanent') ?? false;
  checkPassword(password, pool.policy);
  const named = namedUser(pool, input);
  const next = await createVerifier(srpIdentity(pool, named.username), password);
  const user = namedUser(pool, input);
  if (user.username !== named.username)
    throw new CognitoError('UserNotFoundException', 'User does not exist.');
  pool.store.update(
    user,
    (u) => {
      if (permanent) setPermanentPassword(u, next);
      else setTemporaryPassword(pool, u, next);
      u.resetCode = undefined;
    },
    pool.now(),
  );
  return {};
}

export function adminGetUser(pool: Pool, input: Input): object {
  // AdminGetUser names the attribute list UserAttributes; the rest is the UserType.
  const user = namedUser(pool, input);
  const { Attributes, ...rest } = userType(user);
  return { ...rest, UserAttributes: Attributes, ...mfaSettings(user) };
}

/** Disables sign-in and, as Cognito does, revokes the user's tokens. */
export function adminDisableUser(pool: Pool, input: Input): object {
  const user = namedUser(pool, input);
  pool.store.update(
    user,
    (u) => {
      u.enabled = false;
    },
    pool.now(),
  );
  pool.store.endSessions(user.username);
  return {};
}

export function adminEnableUser(pool: Pool, input: Input): object {
  const user = namedUser(pool, input);
  pool.store.update(
    user,
    (u) => {
      u.enabled = true;
    },
    pool.now(),
  );
  return {};
}

export function adminDeleteUser(pool: Pool, input: Input): object {
  pool.store.delete(namedUser(pool, input));
  return {};
}
