/**
 * How long a caller's folder-scoped session lasts (handlers/lib/s3/caller-session.ts): STS's default and
 * a role's default maximum, one hour. The stack sets the caller roles' maximum from it.
 */
export const SESSION_SECONDS = 3600;
