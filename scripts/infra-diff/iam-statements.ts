import { isObject, type Json, type TerraformBlock } from './terraform-json';

/**
 * An IAM statement of an `aws_iam_policy_document` with every list as a sorted set, so that order and
 * repetition never read as a change. Principals are `Type:identifier`; a condition is keyed by
 * `test variable` and holds its values.
 */
export interface NormalStatement {
  readonly sid?: string;
  readonly effect: 'Allow' | 'Deny';
  readonly actions: readonly string[];
  readonly notActions: readonly string[];
  readonly resources: readonly string[];
  readonly notResources: readonly string[];
  readonly principals: readonly string[];
  readonly notPrincipals: readonly string[];
  readonly conditions: ReadonlyMap<string, readonly string[]>;
}

export const POLICY_DOCUMENT_TYPE = 'aws_iam_policy_document';

/** The statements of a policy document data source (the only way this project writes policies). */
export function documentStatements(block: TerraformBlock): NormalStatement[] {
  const statements = block.body.statement;
  return Array.isArray(statements) ? statements.filter(isObject).map(normaliseStatement) : [];
}

export function normaliseStatement(statement: { [key: string]: Json }): NormalStatement {
  const conditions = new Map<string, string[]>();
  for (const condition of objects(statement.condition)) {
    const key = `${condition.test} ${condition.variable}`;
    conditions.set(key, sortedSet([...(conditions.get(key) ?? []), ...strings(condition.values)]));
  }
  return {
    sid: typeof statement.sid === 'string' && statement.sid !== '' ? statement.sid : undefined,
    // A policy document's statement is Allow unless it says otherwise.
    effect: statement.effect === 'Deny' ? 'Deny' : 'Allow',
    actions: sortedSet(strings(statement.actions)),
    notActions: sortedSet(strings(statement.not_actions)),
    resources: sortedSet(strings(statement.resources)),
    notResources: sortedSet(strings(statement.not_resources)),
    principals: principalsOf(statement.principals),
    notPrincipals: principalsOf(statement.not_principals),
    conditions: new Map([...conditions].sort(([a], [b]) => (a < b ? -1 : 1))),
  };
}

function principalsOf(value: Json | undefined): string[] {
  return sortedSet(
    objects(value).flatMap((principal) =>
      strings(principal.identifiers).map((identifier) => `${principal.type}:${identifier}`),
    ),
  );
}

function objects(value: Json | undefined): { [key: string]: Json }[] {
  return Array.isArray(value) ? value.filter(isObject) : [];
}

function strings(value: Json | undefined): string[] {
  if (typeof value === 'string') return [value];
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
}

function sortedSet(values: readonly string[]): string[] {
  return [...new Set(values)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/**
 * Whether an IAM pattern (`*` any run, `?` one character) matches a value. Actions compare without case,
 * as IAM does; everything else is compared as written (Terraform references included).
 */
export function patternMatches(pattern: string, value: string, ignoreCase = false): boolean {
  const source = pattern
    .split('')
    .map((char) => (char === '*' ? '.*' : char === '?' ? '.' : char.replace(/[.+^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^${source}$`, ignoreCase ? 'si' : 's').test(value);
}

/** The entries of `values` that no pattern of `patterns` matches: what a statement newly covers. */
export function uncovered(
  patterns: readonly string[],
  values: readonly string[],
  ignoreCase = false,
): string[] {
  return values.filter((value) => !patterns.some((pattern) => patternMatches(pattern, value, ignoreCase)));
}
