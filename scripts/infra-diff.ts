/**
 * npm run infra:diff -- <base-ref> [<head-ref>]
 *
 * Synthesizes every stack of <base-ref> and of <head-ref> (default: the working tree) and prints, as
 * Markdown, what changed between them: resources added, removed and changed, IAM statements (widened
 * permissions first), handler bundles whose code changed, and any change that replaces a user pool,
 * identity pool or bucket; then the IAM request table of each environment (npm run iam:table), with the
 * requests the base decided otherwise. Progress goes to stderr; stdout is the report only.
 */

import { projectRoot } from '../modules/project-root';
import { renderReport } from './infra-diff/markdown';
import { renderRequestTables } from './infra-diff/request-tables';
import { diffStacks } from './infra-diff/stack-diff';
import { resolveCommit, synthesizeCommit, synthesizeFolder } from './infra-diff/synthesize';

async function main(): Promise<void> {
  const [base, head, ...rest] = process.argv.slice(2).filter((arg) => arg !== '--');
  if (base === undefined || rest.length > 0) {
    console.error('usage: npm run infra:diff -- <base-ref> [<head-ref>]   (head: the working tree)');
    process.exit(2);
  }
  const root = projectRoot();
  const log = (message: string) => console.error(`infra:diff: ${message}`);
  const baseCommit = await resolveCommit(root, base);
  const headCommit = head === undefined ? undefined : await resolveCommit(root, head);
  const [before, after] = await Promise.all([
    synthesizeCommit(root, baseCommit, log),
    headCommit === undefined ? synthesizeFolder(root, log) : synthesizeCommit(root, headCommit, log),
  ]);
  const label = (ref: string, commit: string) =>
    commit.startsWith(ref) ? commit.slice(0, 7) : `${ref} (${commit.slice(0, 7)})`;
  const headLabel = head === undefined || headCommit === undefined ? 'working tree' : label(head, headCommit);
  const report = renderReport(label(base, baseCommit), headLabel, diffStacks(before, after));
  process.stdout.write(report + (await renderRequestTables(before, after)));
}

main().catch((error: unknown) => {
  console.error(`infra:diff: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
