/**
 * How long a caller's folder-scoped session lasts (lib/s3/caller-session.ts): STS's default and a role's
 * default maximum, one hour. The stack sets the caller roles' maximum from it. No SDK import, so the
 * stack can read it.
 */
export const SESSION_SECONDS = 3600;
