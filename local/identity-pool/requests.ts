import { IdentityPoolError } from './json-protocol';

/** Cognito's pattern for identity pool ids and identity ids alike: `<region>:<uuid>`. */
const ID_PATTERN = /^[\w-]+:[0-9a-f-]+$/;
const ID_MAX_LENGTH = 55;

export type Logins = Readonly<Record<string, string>>;

export interface GetIdInput {
  readonly identityPoolId: string;
  readonly logins?: Logins;
}

export interface GetCredentialsInput {
  readonly identityId: string;
  readonly logins?: Logins;
}

/** The JSON body as an object, or AWS's SerializationException. */
export function parseBody(body: Buffer): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(body.length === 0 ? '{}' : body.toString('utf8'));
  } catch {
    throw serialization('The request body is not valid JSON.');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw serialization('The request body must be a JSON object.');
  }
  return value as Record<string, unknown>;
}

export function getIdInput(body: Record<string, unknown>): GetIdInput {
  return { identityPoolId: id(body.IdentityPoolId, 'identityPoolId'), logins: logins(body.Logins) };
}

export function getCredentialsInput(body: Record<string, unknown>): GetCredentialsInput {
  return { identityId: id(body.IdentityId, 'identityId'), logins: logins(body.Logins) };
}

/** DeleteIdentities' `IdentityIdsToDelete`: 1..60 identity ids. */
export function deleteIdentitiesInput(body: Record<string, unknown>): string[] {
  const ids = body.IdentityIdsToDelete;
  if (!Array.isArray(ids)) throw serialization('IdentityIdsToDelete must be a list.');
  if (ids.length < 1 || ids.length > 60) {
    throw new IdentityPoolError(
      'ValidationException',
      "1 validation error detected: Value at 'identityIdsToDelete' failed to satisfy constraint: " +
        'Member must have length between 1 and 60',
    );
  }
  return ids.map((value) => id(value, 'identityIdsToDelete.member'));
}

function id(value: unknown, member: string): string {
  if (typeof value === 'string' && value.length <= ID_MAX_LENGTH && ID_PATTERN.test(value)) return value;
  if (value !== undefined && typeof value !== 'string') throw serialization(`${member} must be a string.`);
  throw new IdentityPoolError(
    'ValidationException',
    `1 validation error detected: Value at '${member}' failed to satisfy constraint: ` +
      `Member must satisfy regular expression pattern: ${ID_PATTERN.source.slice(1, -1)}`,
  );
}

function logins(value: unknown): Logins | undefined {
  if (value === undefined || value === null) return undefined;
  if (
    typeof value !== 'object' ||
    Array.isArray(value) ||
    !Object.values(value).every((token) => typeof token === 'string')
  ) {
    throw serialization('Logins must map provider names to tokens.');
  }
  return value as Logins;
}

function serialization(message: string): IdentityPoolError {
  return new IdentityPoolError('SerializationException', message);
}
