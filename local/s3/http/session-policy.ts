import { S3Error } from '../errors';

/**
 * The part of IAM's policy language a session policy of lockbox uses (handlers/lib/s3/caller-session.ts):
 * Allow statements with actions, resource ARNs (`*` wildcards) and an optional `StringLike` condition on
 * `s3:prefix`. A request is allowed when one statement matches it; anything else is refused (an implicit
 * deny), as S3 refuses what a session policy does not allow. Deny statements and other conditions are
 * not understood, so a policy holding one is refused whole rather than half-enforced.
 */
export interface SessionPolicy {
  readonly statements: readonly PolicyStatement[];
}

interface PolicyStatement {
  readonly actions: readonly string[];
  readonly resources: readonly string[];
  /** StringLike s3:prefix values, when the statement has the condition. */
  readonly prefixLike?: readonly string[];
}

const list = (value: unknown): string[] =>
  typeof value === 'string' ? [value] : Array.isArray(value) ? value.map(String) : [];

/** Parses a session policy; throws on anything outside the subset above. */
export function parseSessionPolicy(json: string): SessionPolicy {
  const document = JSON.parse(json) as { Statement?: unknown };
  const statements = Array.isArray(document.Statement) ? document.Statement : [document.Statement];
  return {
    statements: statements.map((raw) => {
      const statement = raw as Record<string, unknown>;
      if (statement.Effect !== 'Allow') throw new Error('Only Allow statements are supported');
      const condition = statement.Condition as Record<string, Record<string, unknown>> | undefined;
      const conditionKeys = Object.keys(condition ?? {});
      const prefixLike = condition?.StringLike?.['s3:prefix'];
      if (
        conditionKeys.some((key) => key !== 'StringLike') ||
        Object.keys(condition?.StringLike ?? {}).some((key) => key !== 's3:prefix')
      ) {
        throw new Error('Only a StringLike s3:prefix condition is supported');
      }
      return {
        actions: list(statement.Action),
        resources: list(statement.Resource),
        ...(prefixLike === undefined ? {} : { prefixLike: list(prefixLike) }),
      };
    }),
  };
}

/** IAM's wildcard match: `*` any run of characters, `?` one; case-sensitive, as ARNs are. */
function like(pattern: string, value: string): boolean {
  const regex = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${regex}$`, 's').test(value);
}

/** What one S3 request asks for, in IAM's words. */
export interface S3Access {
  readonly action: string;
  /** `arn:aws:s3:::bucket` or `arn:aws:s3:::bucket/key`. */
  readonly resource: string;
  /** ListBucket's `prefix` parameter ('' when absent). */
  readonly prefix?: string;
}

export function isAllowed(policy: SessionPolicy, access: S3Access): boolean {
  return policy.statements.some(
    (statement) =>
      statement.actions.some((action) => like(action, access.action)) &&
      statement.resources.some((resource) => like(resource, access.resource)) &&
      (statement.prefixLike === undefined ||
        statement.prefixLike.some((pattern) => like(pattern, access.prefix ?? ''))),
  );
}

/** S3's refusal of a request its credentials' policy does not allow. */
export function accessDenied(): S3Error {
  return new S3Error(403, 'AccessDenied', 'Access Denied');
}
