import { documentStatements, type NormalStatement, POLICY_DOCUMENT_TYPE, uncovered } from './iam-statements';
import { compare } from './resource-diff';
import type { TerraformBlock } from './terraform-json';

/** A statement of a policy document that was added, removed or changed, and what that does to access. */
export interface StatementChange {
  /** The policy document's address (`data.aws_iam_policy_document.…`). */
  readonly document: string;
  readonly constructPath?: string;
  readonly kind: 'added' | 'removed' | 'changed';
  readonly before?: NormalStatement;
  readonly after?: NormalStatement;
  /** How the change allows more than before, e.g. `actions + s3:DeleteObject`; empty if it does not. */
  readonly widened: readonly string[];
  /** How it allows less than before. */
  readonly narrowed: readonly string[];
}

/** Statement-level changes of every policy document of two stacks, by document address. */
export function diffPolicyDocuments(
  before: ReadonlyMap<string, TerraformBlock>,
  after: ReadonlyMap<string, TerraformBlock>,
): StatementChange[] {
  const documents = (blocks: ReadonlyMap<string, TerraformBlock>) =>
    new Map([...blocks].filter(([, block]) => block.type === POLICY_DOCUMENT_TYPE));
  const old = documents(before);
  const current = documents(after);
  const addresses = [...new Set([...old.keys(), ...current.keys()])].sort(compare);
  return addresses.flatMap((address) => {
    const block = current.get(address) ?? old.get(address);
    const oldStatements = old.has(address) ? documentStatements(old.get(address) as TerraformBlock) : [];
    const newStatements = current.has(address)
      ? documentStatements(current.get(address) as TerraformBlock)
      : [];
    return matchStatements(oldStatements, newStatements).flatMap(([was, now]) =>
      statementChange(address, block?.constructPath, was, now),
    );
  });
}

function statementChange(
  document: string,
  constructPath: string | undefined,
  before: NormalStatement | undefined,
  after: NormalStatement | undefined,
): StatementChange[] {
  const base = { document, constructPath, before, after };
  if (before === undefined && after !== undefined) {
    const grants = after.effect === 'Allow';
    return [
      {
        ...base,
        kind: 'added',
        widened: grants ? ['statement added'] : [],
        narrowed: grants ? [] : ['statement added'],
      },
    ];
  }
  if (after === undefined && before !== undefined) {
    const granted = before.effect === 'Allow';
    return [
      {
        ...base,
        kind: 'removed',
        widened: granted ? [] : ['statement removed'],
        narrowed: granted ? ['statement removed'] : [],
      },
    ];
  }
  if (before === undefined || after === undefined || canonical(before) === canonical(after)) return [];
  const { broader, narrower } = compareScope(before, after);
  // A Deny that covers less allows more.
  const allows = after.effect === 'Allow';
  return [
    { ...base, kind: 'changed', widened: allows ? broader : narrower, narrowed: allows ? narrower : broader },
  ];
}

/**
 * How `after` covers more (`broader`) and less (`narrower`) requests than `before`: actions, resources and
 * principals by IAM pattern, the `not_` lists and conditions as sets (a dropped condition, or a condition
 * that accepts more values, covers more).
 */
export function compareScope(
  before: NormalStatement,
  after: NormalStatement,
): { broader: string[]; narrower: string[] } {
  const broader: string[] = [];
  const narrower: string[] = [];
  const note = (list: string[], label: string, sign: '+' | '−', values: readonly string[]) => {
    if (values.length > 0) list.push(`${label} ${sign} ${values.join(', ')}`);
  };
  for (const [label, field, ignoreCase] of [
    ['actions', 'actions', true],
    ['resources', 'resources', false],
    ['principals', 'principals', false],
  ] as const) {
    note(broader, label, '+', uncovered(before[field], after[field], ignoreCase));
    note(narrower, label, '−', uncovered(after[field], before[field], ignoreCase));
  }
  for (const [label, field] of [
    ['not_actions', 'notActions'],
    ['not_resources', 'notResources'],
    ['not_principals', 'notPrincipals'],
  ] as const) {
    note(
      broader,
      label,
      '−',
      before[field].filter((value) => !after[field].includes(value)),
    );
    note(
      narrower,
      label,
      '+',
      after[field].filter((value) => !before[field].includes(value)),
    );
  }
  if (before.effect !== after.effect) broader.push(`effect ${before.effect} → ${after.effect}`);
  for (const [key, values] of before.conditions) {
    const now = after.conditions.get(key);
    if (now === undefined) {
      broader.push(`condition dropped: ${key} ${values.join(', ')}`);
      continue;
    }
    note(
      broader,
      `condition ${key}`,
      '+',
      now.filter((value) => !values.includes(value)),
    );
    note(
      narrower,
      `condition ${key}`,
      '−',
      values.filter((value) => !now.includes(value)),
    );
  }
  for (const [key, values] of after.conditions) {
    if (!before.conditions.has(key)) narrower.push(`condition added: ${key} ${values.join(', ')}`);
  }
  return { broader, narrower };
}

/**
 * Pairs the statements of a document's two versions: identical ones first, then by sid, then each
 * remaining pair of the same effect by how much they share (actions, resources, principals); the rest
 * stand alone as added or removed.
 */
export function matchStatements(
  before: readonly NormalStatement[],
  after: readonly NormalStatement[],
): [NormalStatement | undefined, NormalStatement | undefined][] {
  const oldLeft = [...before];
  const newLeft = [...after];
  const pairs: [NormalStatement | undefined, NormalStatement | undefined][] = [];
  const take = (was: NormalStatement, now: NormalStatement) => {
    oldLeft.splice(oldLeft.indexOf(was), 1);
    newLeft.splice(newLeft.indexOf(now), 1);
    pairs.push([was, now]);
  };
  for (const was of [...oldLeft]) {
    const same = newLeft.find((now) => canonical(now) === canonical(was));
    if (same !== undefined) take(was, same);
  }
  for (const was of [...oldLeft]) {
    const sameSid = newLeft.find((now) => was.sid !== undefined && now.sid === was.sid);
    if (sameSid !== undefined) take(was, sameSid);
  }
  for (;;) {
    let best: { was: NormalStatement; now: NormalStatement; score: number } | undefined;
    for (const was of oldLeft) {
      for (const now of newLeft) {
        const score = was.effect === now.effect ? shared(was, now) : 0;
        if (score > 0 && (best === undefined || score > best.score)) best = { was, now, score };
      }
    }
    if (best === undefined) break;
    take(best.was, best.now);
  }
  for (const was of oldLeft) pairs.push([was, undefined]);
  for (const now of newLeft) pairs.push([undefined, now]);
  return pairs;
}

function shared(a: NormalStatement, b: NormalStatement): number {
  const overlap = (x: readonly string[], y: readonly string[]) =>
    x.filter((value) => y.includes(value)).length;
  return (
    overlap(a.actions, b.actions) +
    overlap(a.resources, b.resources) +
    overlap(a.principals, b.principals) +
    overlap([...a.conditions.keys()], [...b.conditions.keys()])
  );
}

function canonical(statement: NormalStatement): string {
  return JSON.stringify({ ...statement, conditions: [...statement.conditions] });
}
