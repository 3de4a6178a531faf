import { isCodeChange } from './bundles';
import type { StatementChange } from './iam-diff';
import { type NormalStatement, POLICY_DOCUMENT_TYPE } from './iam-statements';
import type { AttributeChange } from './resource-diff';
import { hasChanges, type StackDiff } from './stack-diff';
import type { Json, TerraformBlock } from './terraform-json';

/** First line of the report: the PR workflow finds its earlier comment by it and updates it in place. */
export const REPORT_MARKER = '<!-- lockbox-infra-diff -->';

/** Values longer than this are cut in the report (the plan shows them whole). */
const MAX_VALUE_CHARS = 160;

/** The report as Markdown: a summary table, then per stack warnings first, then the detail. */
export function renderReport(base: string, head: string, stacks: readonly StackDiff[]): string {
  const lines = [REPORT_MARKER, `## Infrastructure diff: ${code(base)} → ${code(head)}`, ''];
  lines.push(
    '| stack | added | removed | changed | IAM widened | code changed | stateful replaced |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
  );
  for (const diff of stacks) {
    const { added, removed, changed } = diff.blocks;
    const widened = diff.iam.filter((change) => change.widened.length > 0).length;
    lines.push(
      `| ${code(diff.stack)}${diff.presence === 'both' ? '' : ` (stack ${diff.presence})`} | ${added.length} | ${removed.length} | ${changed.length} | ${widened} | ${diff.code.length} | ${diff.replacements.length} |`,
    );
  }
  for (const diff of stacks) lines.push('', ...renderStack(diff));
  return `${lines.join('\n')}\n`;
}

function renderStack(diff: StackDiff): string[] {
  const lines = [`### ${code(diff.stack)}`, ''];
  if (!hasChanges(diff)) return [...lines, 'No changes.'];
  if (diff.replacements.length > 0) {
    lines.push(
      '> [!CAUTION]',
      '> **Stateful resources would be replaced** (users, identities or files are lost):',
    );
    for (const warning of diff.replacements) {
      lines.push(`> - ${code(warning.address)}${construct(warning.constructPath)}: ${warning.reason}`);
    }
    lines.push('');
  }
  const widened = diff.iam.filter((change) => change.widened.length > 0);
  if (widened.length > 0) {
    lines.push('> [!WARNING]', '> **IAM permissions widened:**');
    for (const change of widened)
      lines.push(...statementLines(change, change.widened).map((line) => `> ${line}`));
    lines.push('');
  }
  const otherIam = diff.iam.filter((change) => change.widened.length === 0);
  if (otherIam.length > 0) {
    lines.push('**IAM statements narrowed or reshaped:**', '');
    for (const change of otherIam) lines.push(...statementLines(change, change.narrowed));
    lines.push('');
  }
  if (diff.code.length > 0) {
    lines.push(
      `**Handler code changed** (${diff.code.length}): ${diff.code.map((fn) => code(fn.functionName)).join(', ')}`,
      '',
    );
  }
  section(
    lines,
    'Added',
    diff.blocks.added.map((block) => `- ${code(block.address)}${construct(block.constructPath)}`),
  );
  section(
    lines,
    'Removed',
    diff.blocks.removed.map((block) => `- ${code(block.address)}${construct(block.constructPath)}`),
  );
  const changed = diff.blocks.changed.flatMap(({ after, changes }) => {
    const shown = changes.filter((change) => !isCodeChange(change));
    if (shown.length === 0) return [];
    const head = `- ${code(after.address)}${construct(after.constructPath)}`;
    if (after.type === POLICY_DOCUMENT_TYPE) return [`${head}: statements changed (see IAM above)`];
    return [head, ...shown.map((change) => `  - ${attributeLine(change)}`)];
  });
  section(lines, 'Changed arguments', changed, countHeads(changed));
  section(
    lines,
    'Stack settings changed',
    diff.settings.map((change) => `- ${attributeLine(change)}`),
  );
  while (lines.at(-1) === '') lines.pop();
  return lines;
}

function section(lines: string[], title: string, items: readonly string[], count = items.length): void {
  if (items.length === 0) return;
  lines.push(`**${title}** (${count}):`, '', ...items, '');
}

function countHeads(items: readonly string[]): number {
  return items.filter((item) => item.startsWith('- ')).length;
}

function statementLines(change: StatementChange, reasons: readonly string[]): string[] {
  const lines = [
    `- ${code(change.document)}${construct(change.constructPath)}, statement ${change.kind}${reasons.length > 0 ? `: ${reasons.join('; ')}` : ''}`,
  ];
  if (change.before !== undefined) lines.push(`  - before: ${describeStatement(change.before)}`);
  if (change.after !== undefined) lines.push(`  - after: ${describeStatement(change.after)}`);
  return lines;
}

/** A statement in one line: effect, actions, resources, principals, conditions. */
export function describeStatement(statement: NormalStatement): string {
  const list = (values: readonly string[]) => values.map(code).join(', ');
  const parts: string[] = [statement.effect];
  if (statement.sid !== undefined) parts.push(`(${code(statement.sid)})`);
  if (statement.actions.length > 0) parts.push(list(statement.actions));
  if (statement.notActions.length > 0) parts.push(`all but ${list(statement.notActions)}`);
  if (statement.resources.length > 0) parts.push(`on ${list(statement.resources)}`);
  if (statement.notResources.length > 0) parts.push(`on all but ${list(statement.notResources)}`);
  if (statement.principals.length > 0) parts.push(`to ${list(statement.principals)}`);
  if (statement.notPrincipals.length > 0) parts.push(`to all but ${list(statement.notPrincipals)}`);
  const conditions = [...statement.conditions].map(([key, values]) => `${key} ${list(values)}`);
  if (conditions.length > 0) parts.push(`when ${conditions.join(' and ')}`);
  return parts.join(' ');
}

function attributeLine(change: AttributeChange): string {
  return `${code(change.path)}: ${value(change.before)} → ${value(change.after)}`;
}

function value(json: Json | undefined): string {
  if (json === undefined) return '(absent)';
  const text = JSON.stringify(json);
  return code(
    text.length > MAX_VALUE_CHARS ? `${text.slice(0, MAX_VALUE_CHARS)}… (${text.length} chars)` : text,
  );
}

function construct(path: TerraformBlock['constructPath']): string {
  return path === undefined ? '' : ` (${code(path)})`;
}

/** An inline code span that holds any text, backticks included. */
export function code(text: string): string {
  const longestRun = Math.max(0, ...(text.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longestRun + 1);
  const pad = text.startsWith('`') || text.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${text}${pad}${fence}`;
}
