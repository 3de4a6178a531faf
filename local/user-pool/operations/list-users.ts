/** ListUsers (admin): every user, or those a `Filter` such as `email = "a@b.c"` selects, 60 at a time. */
import { invalidParameter } from '../errors';
import { type Input, optionalInteger, optionalString, requiredString } from '../input';
import { type Pool, requirePool } from '../pool';
import type { StoredUser } from '../store';
import { userType } from './admin-users';

/** The attributes Cognito lets ListUsers filter on, read from a user. */
const FILTERABLE: Readonly<Record<string, (user: StoredUser) => string>> = {
  username: (user) => user.username,
  email: (user) => user.email,
  sub: (user) => user.username,
  'cognito:user_status': (user) => user.status,
  status: (user) => (user.enabled ? 'Enabled' : 'Disabled'),
};

/** `name = "value"` (exact) or `name ^= "value"` (prefix); Cognito compares case-insensitively. */
const FILTER = /^\s*([a-z_:]+)\s*(\^?=)\s*"((?:[^"\\]|\\.)*)"\s*$/;

function parseFilter(filter: string): (user: StoredUser) => boolean {
  const match = FILTER.exec(filter);
  const read = match === null ? undefined : FILTERABLE[match[1]];
  if (match === null || read === undefined) throw invalidParameter('Error while parsing filter.');
  const wanted = match[3].replace(/\\(.)/g, '$1').toLowerCase();
  const prefix = match[2] === '^=';
  return (user) => {
    const value = read(user).toLowerCase();
    return prefix ? value.startsWith(wanted) : value === wanted;
  };
}

export function listUsers(pool: Pool, input: Input): object {
  requirePool(pool, requiredString(input, 'UserPoolId', 55));
  const filter = optionalString(input, 'Filter', 256);
  const limit = optionalInteger(input, 'Limit', 0, 60) || 60;
  const token = optionalString(input, 'PaginationToken', 2048);
  const wanted = attributeNames(input);
  const matches = filter === undefined || filter === '' ? () => true : parseFilter(filter);
  const users = pool.store.all().filter(matches);
  let start = 0;
  if (token !== undefined) {
    start = users.findIndex((user) => user.username === Buffer.from(token, 'base64url').toString('utf8'));
    if (start < 0) throw invalidParameter('Invalid pagination token.');
  }
  const page = users.slice(start, start + limit);
  const next = users[start + limit];
  return {
    Users: page.map((user) => {
      const type = userType(user);
      return wanted === undefined
        ? type
        : { ...type, Attributes: type.Attributes.filter((a) => wanted.has(a.Name)) };
    }),
    ...(next === undefined ? {} : { PaginationToken: Buffer.from(next.username).toString('base64url') }),
  };
}

function attributeNames(input: Input): Set<string> | undefined {
  const value = input.AttributesToGet;
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value) || !value.every((name) => typeof name === 'string')) {
    throw invalidParameter('AttributesToGet must be a list of attribute names.');
  }
  return new Set(value);
}
