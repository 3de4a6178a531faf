import { routes, workers } from '../../contract/routes';
import {
  type EvaluatedRow,
  evaluateTable,
  isEnvironmentStack,
  requestTable,
} from '../../devtools/iam/request-table';
import { StackPolicies } from '../../devtools/iam/terraform-policies';
import type { Stacks } from './stack-diff';
import type { JsonObject } from './terraform-json';

/**
 * The request table (devtools/iam/request-table.ts) of each environment stack of the head, as Markdown:
 * how many requests, the rows not decided as expected, and the rows the base decided differently (the
 * head's requests evaluated over the base's policies). The requests come from the working tree's route
 * table, whichever commits are compared.
 */
export async function renderRequestTables(before: Stacks, after: Stacks): Promise<string> {
  const sections: string[] = [];
  for (const [name, json] of after) {
    const stack = new StackPolicies(json);
    if (!isEnvironmentStack(stack)) continue;
    const head = await evaluateTable(requestTable({ stack, routes, workers }));
    const base = await baseDecisions(before.get(name));
    const key = (row: EvaluatedRow) => `${row.principal}\n${row.request}`;
    const shown = head.filter(
      (row) => row.decision !== row.expected || (base !== undefined && base.get(key(row)) !== row.decision),
    );
    const wrong = head.filter((row) => row.decision !== row.expected).length;
    const changed =
      base === undefined
        ? 'the base has no comparable table'
        : `${head.filter((row) => base.get(key(row)) !== row.decision).length} decided otherwise at the base`;
    const lines = [
      `### IAM request table: \`${name}\``,
      '',
      `${head.length} requests (\`npm run iam:table\`): ${wrong} not as expected, ${changed}.`,
    ];
    if (shown.length > 0) {
      lines.push(
        '',
        '| principal | request | expected | base | head | |',
        '| --- | --- | --- | --- | --- | --- |',
      );
      for (const row of shown) {
        const was = base?.get(key(row)) ?? '–';
        lines.push(
          `| ${row.principal} | \`${row.request}\` | ${row.expected} | ${was} | ${row.decision} | ${row.decision === row.expected ? '✔' : '✘'} |`,
        );
      }
    }
    sections.push(lines.join('\n'));
  }
  return sections.length === 0 ? '' : `\n${sections.join('\n\n')}\n`;
}

/** The base's decisions on its own table's requests, by principal and request; none when it has no table. */
async function baseDecisions(json: JsonObject | undefined): Promise<Map<string, string> | undefined> {
  if (json === undefined) return undefined;
  try {
    const stack = new StackPolicies(json);
    if (!isEnvironmentStack(stack)) return undefined;
    const rows = await evaluateTable(requestTable({ stack, routes, workers }));
    return new Map(rows.map((row) => [`${row.principal}\n${row.request}`, row.decision]));
  } catch {
    // The base lacks a role or resource the head's route table names (a route added since): nothing to compare.
    return undefined;
  }
}
