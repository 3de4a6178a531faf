/**
 * npm run iam:table
 *
 * Synthesizes every stack and prints, as Markdown, the request table of each environment
 * (devtools/iam/request-table.ts): what each principal the stack creates may do, as AWS decides it over
 * the synthesized policies, beside what the design expects. Exits 1 when a decision is not the expected
 * one. Progress goes to stderr; stdout is the tables only.
 */

import { routes, workers } from '../contract/routes';
import {
  evaluateTable,
  isEnvironmentStack,
  requestTable,
  tableMarkdown,
} from '../devtools/iam/request-table';
import { StackPolicies } from '../devtools/iam/terraform-policies';
import { projectRoot } from '../modules/project-root';
import { synthesizeFolder } from './infra-diff/synthesize';

async function main(): Promise<void> {
  const stacks = await synthesizeFolder(projectRoot(), (message) => console.error(`iam:table: ${message}`));
  let mismatches = 0;
  for (const [name, json] of stacks) {
    const stack = new StackPolicies(json);
    if (!isEnvironmentStack(stack)) continue;
    const rows = await evaluateTable(requestTable({ stack, routes, workers }));
    mismatches += rows.filter((row) => row.decision !== row.expected).length;
    process.stdout.write(`${tableMarkdown(name, rows)}\n`);
  }
  if (mismatches > 0) {
    console.error(`iam:table: ${mismatches} decision(s) differ from the expected one (✘ rows)`);
    process.exit(1);
  }
}

main().catch((error: unknown) => {
  console.error(`iam:table: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
