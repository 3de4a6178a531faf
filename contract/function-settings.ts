import { OWN_ROLE_SCOPES, type Route, type S3Grant, type Worker } from './routes';
import type { Setting } from './settings';

/** A function of the route table: an API route's or a worker's. */
export type FunctionEntry = Route | Worker;

export function isRoute(entry: FunctionEntry): entry is Route {
  return 'method' in entry;
}

/**
 * The grants a function holds only through its caller role, in sessions scoped to one user's prefixes: a
 * route's grants outside OWN_ROLE_SCOPES, a worker's callerS3. None: the function has no caller role.
 */
export function callerGrants(entry: FunctionEntry): readonly S3Grant[] {
  if (isRoute(entry)) return entry.s3.filter((grant) => !OWN_ROLE_SCOPES.includes(grant.scope));
  return entry.callerS3 ?? [];
}

/** The grants on the function's own role (a route's records besides, CALLER_RECORD_GRANT: the stack's). */
export function ownGrants(entry: FunctionEntry): readonly S3Grant[] {
  if (isRoute(entry)) return entry.s3.filter((grant) => OWN_ROLE_SCOPES.includes(grant.scope));
  return entry.s3;
}

/** Whether the function `entry` reads `setting` (and so the stack sets it in the function's environment). */
export function isReadBy(setting: Setting, entry: FunctionEntry): boolean {
  switch (setting.readBy) {
    case 'every function':
      return true;
    case 'every route':
      return isRoute(entry);
    case 'every function with usage-table access':
      return entry.usage !== undefined;
    case 'every function with a caller role':
      return callerGrants(entry).length > 0;
    default:
      return setting.readBy.includes(entry.handler);
  }
}
