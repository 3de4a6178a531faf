import {
  AdminCreateUserCommand,
  AdminDeleteUserCommand,
  AdminDisableUserCommand,
  AdminEnableUserCommand,
  AdminGetUserCommand,
  AdminListUserAuthEventsCommand,
  AdminResetUserPasswordCommand,
  type AttributeType,
  type AuthEventType,
  ListUsersCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { generateTemporaryPassword } from '../../local/user-pool/password-rules';
import { type PurgeOptions, type PurgeReport, purgeUserData } from './purge';
import type { Target } from './target';
import { type FolderRecord, readFolderRecord, type Usage, usageOf } from './user-data';

/**
 * The admin CLI's operations (`lockbox-admin users …`) as functions, which the CLI prints and the smoke
 * test calls. Users are named by email: the stack's pool signs in with email, and Cognito's admin calls
 * take it where they take a username.
 */

export interface UserSummary {
  readonly email: string;
  /** The user pool's `sub`: the key of the API's record of the user's folder. */
  readonly sub: string;
  /** FORCE_CHANGE_PASSWORD (invited, never signed in), CONFIRMED, RESET_REQUIRED, … */
  readonly status: string;
  readonly enabled: boolean;
  readonly created: Date | undefined;
  readonly modified: Date | undefined;
}

export type LastSignIn =
  | { readonly known: true; readonly at: Date | undefined }
  | { readonly known: false; readonly reason: string };

export interface UserDetails extends UserSummary {
  readonly lastSignIn: LastSignIn;
  /** Undefined: the user never called the API (never signed in), so has no folder yet. */
  readonly folder: (FolderRecord & { readonly files: Usage; readonly zips: Usage }) | undefined;
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export function checkEmail(email: string): string {
  if (!EMAIL.test(email)) throw new UsageError(`Not an email address: ${email}`);
  return email;
}

/** A mistake in the command line: the CLI prints it with its usage. */
export class UsageError extends Error {}

function attribute(attributes: AttributeType[] | undefined, name: string): string | undefined {
  return attributes?.find((a) => a.Name === name)?.Value;
}

export async function getUser(target: Target, email: string): Promise<UserSummary> {
  const user = await target.cognito.send(
    new AdminGetUserCommand({ UserPoolId: target.config.user_pool_id, Username: checkEmail(email) }),
  );
  return {
    email: attribute(user.UserAttributes, 'email') ?? email,
    sub: attribute(user.UserAttributes, 'sub') ?? user.Username ?? '',
    status: user.UserStatus ?? 'UNKNOWN',
    enabled: user.Enabled ?? false,
    created: user.UserCreateDate,
    modified: user.UserLastModifiedDate,
  };
}

/**
 * An invited user: Cognito mails a temporary password (valid for the password policy's days), or, with
 * `printPassword`, mails nothing and returns it for the operator to hand over.
 */
export async function createUser(
  target: Target,
  email: string,
  options: { readonly printPassword?: boolean; readonly temporaryPassword?: string } = {},
): Promise<{ user: UserSummary; temporaryPassword?: string }> {
  const silent = options.printPassword === true || options.temporaryPassword !== undefined;
  const temporaryPassword = silent ? (options.temporaryPassword ?? generateTemporaryPassword()) : undefined;
  await target.cognito.send(
    new AdminCreateUserCommand({
      UserPoolId: target.config.user_pool_id,
      Username: checkEmail(email),
      // The address is the one the operator was given; verified, it can receive reset codes.
      UserAttributes: [
        { Name: 'email', Value: email },
        { Name: 'email_verified', Value: 'true' },
      ],
      ...(silent
        ? { TemporaryPassword: temporaryPassword, MessageAction: 'SUPPRESS' }
        : { DesiredDeliveryMediums: ['EMAIL'] }),
    }),
  );
  const user = await getUser(target, email);
  return temporaryPassword === undefined ? { user } : { user, temporaryPassword };
}

/** Every user, 60 per ListUsers call. */
export async function listUsers(target: Target): Promise<UserSummary[]> {
  const users: UserSummary[] = [];
  let token: string | undefined;
  do {
    const page = await target.cognito.send(
      new ListUsersCommand({ UserPoolId: target.config.user_pool_id, PaginationToken: token }),
    );
    for (const user of page.Users ?? []) {
      users.push({
        email: attribute(user.Attributes, 'email') ?? user.Username ?? '',
        sub: attribute(user.Attributes, 'sub') ?? user.Username ?? '',
        status: user.UserStatus ?? 'UNKNOWN',
        enabled: user.Enabled ?? false,
        created: user.UserCreateDate,
        modified: user.UserLastModifiedDate,
      });
    }
    token = page.PaginationToken;
  } while (token !== undefined);
  return users;
}

export async function showUser(target: Target, email: string): Promise<UserDetails> {
  const user = await getUser(target, email);
  const [lastSignIn, record] = await Promise.all([
    lastSignInOf(target, email),
    readFolderRecord(target.s3, target.config.bucket_name, user.sub),
  ]);
  const usage =
    record === undefined ? undefined : await usageOf(target.s3, target.config.bucket_name, record.identityId);
  return {
    ...user,
    lastSignIn,
    folder: record === undefined || usage === undefined ? undefined : { ...record, ...usage },
  };
}

/**
 * Cognito's only record of sign-ins is its auth events, kept only with threat protection (the Plus plan);
 * without it the answer says so rather than guess.
 */
async function lastSignInOf(target: Target, email: string): Promise<LastSignIn> {
  try {
    const answer = await target.cognito.send(
      new AdminListUserAuthEventsCommand({
        UserPoolId: target.config.user_pool_id,
        Username: email,
        MaxResults: 10,
      }),
    );
    return { known: true, at: latestSignIn(answer.AuthEvents ?? []) };
  } catch (error) {
    if ((error as Error).name !== 'UserPoolAddOnNotEnabledException') throw error;
    return { known: false, reason: 'not recorded: the user pool has no threat protection (Cognito Plus)' };
  }
}

/** The newest successful sign-in among Cognito's auth events (newest first, as AWS lists them). */
export function latestSignIn(events: readonly AuthEventType[]): Date | undefined {
  return events
    .filter((event) => event.EventType === 'SignIn' && event.EventResponse === 'Pass' && event.CreationDate)
    .map((event) => event.CreationDate as Date)
    .sort((a, b) => b.getTime() - a.getTime())[0];
}

/** Disabling signs the user out: Cognito revokes their refresh tokens. */
export async function setEnabled(target: Target, email: string, enabled: boolean): Promise<void> {
  const input = { UserPoolId: target.config.user_pool_id, Username: checkEmail(email) };
  await target.cognito.send(enabled ? new AdminEnableUserCommand(input) : new AdminDisableUserCommand(input));
}

/** A new temporary password, mailed again; only for a user who has not signed in yet. */
export async function resendInvitation(target: Target, email: string): Promise<void> {
  await target.cognito.send(
    new AdminCreateUserCommand({
      UserPoolId: target.config.user_pool_id,
      Username: checkEmail(email),
      MessageAction: 'RESEND',
      DesiredDeliveryMediums: ['EMAIL'],
    }),
  );
}

/** The password stops working and Cognito mails a code; the user sets a new one with "forgot password". */
export async function resetPassword(target: Target, email: string): Promise<void> {
  await target.cognito.send(
    new AdminResetUserPasswordCommand({
      UserPoolId: target.config.user_pool_id,
      Username: checkEmail(email),
    }),
  );
}

export interface DeleteReport {
  /** Undefined when a purge found no such user: an earlier purge ended, and nothing was left to remove. */
  readonly user: UserSummary | undefined;
  /** The user's folder (kept without `purge`); undefined when the user never signed in. */
  readonly identityId: string | undefined;
  /** Set with `purge`: what was removed. */
  readonly purged?: PurgeReport;
}

/**
 * Deletes the user from the pool; with `purge`, first disables them (no new sign-in, refresh tokens
 * revoked), then erases their data (purge.ts). Identity credentials already issued stay valid until they
 * expire (at most an hour): Cognito cannot revoke them. A purge of a user who is no longer in the pool
 * succeeds and removes nothing: the user goes last, so an earlier purge got to the end.
 */
export async function deleteUser(
  target: Target,
  email: string,
  options: { readonly purge: boolean } & PurgeOptions,
): Promise<DeleteReport> {
  let user: UserSummary;
  try {
    user = await getUser(target, email);
  } catch (error) {
    if (!options.purge || (error as Error).name !== 'UserNotFoundException') throw error;
    return { user: undefined, identityId: undefined };
  }
  const input = { UserPoolId: target.config.user_pool_id, Username: email };
  if (options.purge) await target.cognito.send(new AdminDisableUserCommand(input));
  const record = await readFolderRecord(target.s3, target.config.bucket_name, user.sub);
  const purged = options.purge ? await purgeUserData(target, user.sub, record, options) : undefined;
  await target.cognito.send(new AdminDeleteUserCommand(input));
  return { user, identityId: record?.identityId, ...(purged === undefined ? {} : { purged }) };
}
