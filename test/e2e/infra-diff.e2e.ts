/**
 * `npm run infra:diff` end to end: real synths of real commits, and of a working tree with a widened
 * permission. Slow (four synths per run, about a minute here), so outside `npm test`: `npm run test:e2e`,
 * which .ci/run runs. Needs the repository's history (a full clone, not a shallow one).
 */
import { execFile } from 'node:child_process';
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { expect } from 'chai';
import { projectRoot } from '../../modules/project-root';

const run = promisify(execFile);
const BUFFER = 64 * 1024 * 1024;

async function infraDiff(cwd: string, ...refs: string[]): Promise<string> {
  const { stdout } = await run('npm', ['run', '--silent', 'infra:diff', '--', ...refs], {
    cwd,
    maxBuffer: BUFFER,
  });
  return stdout;
}

/** Section of the report about one stack. */
function stackSection(report: string, stack: string): string {
  const start = report.indexOf(`### \`${stack}\``);
  expect(start, `no section for ${stack}`).to.be.greaterThan(-1);
  const next = report.indexOf('\n### ', start + 1);
  return report.slice(start, next === -1 ? undefined : next);
}

describe('npm run infra:diff', () => {
  const root = projectRoot();

  it('reports the zip worker change between two real commits: memory, process settings, every bundle, no IAM change', async () => {
    // 071f027 (zip worker at 512 MiB) and 81cec7d (1024 MiB, NODE_OPTIONS and the mmap threshold set).
    const report = await infraDiff(root, '071f027', '81cec7d');
    for (const stack of ['lockbox-dev', 'lockbox-prod']) {
      expect(report).to.contain(`| \`${stack}\` | 0 | 0 | 12 | 0 | 12 | 0 |`);
      const section = stackSection(report, stack);
      expect(section).to.contain(
        `- \`aws_lambda_function.functions_zip-worker_function_34B3FAED\` (\`${stack}/functions/zip-worker/function\`)`,
      );
      expect(section).to.contain('  - `memory_size`: `512` → `1024`');
      expect(section).to.contain(
        '  - `environment.variables.MALLOC_MMAP_THRESHOLD_`: (absent) → `"1048576"`',
      );
      expect(section).to.contain(`**Handler code changed** (12): \`${stack}-abort-upload\``);
      expect(section).not.to.contain('[!WARNING]');
      expect(section).not.to.contain('[!CAUTION]');
    }
  });

  describe('on a working tree whose route table grants one more action', () => {
    let scratch: string;

    before(async () => {
      // A repository holding this working tree as its one commit, so the code under test is today's.
      scratch = mkdtempSync(join(tmpdir(), 'lockbox-infra-diff-e2e-'));
      const { stdout } = await run('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], {
        cwd: root,
        maxBuffer: BUFFER,
      });
      for (const file of stdout.split('\0').filter((path) => path !== '')) {
        mkdirSync(dirname(join(scratch, file)), { recursive: true });
        copyFileSync(join(root, file), join(scratch, file));
      }
      const git = (...args: string[]) => run('git', args, { cwd: scratch });
      await git('init', '--quiet');
      await git('add', '--all');
      await git(
        '-c',
        'user.name=e2e',
        '-c',
        'user.email=e2e@example.invalid',
        'commit',
        '--quiet',
        '-m',
        'base',
      );
      symlinkSync(join(root, 'node_modules'), join(scratch, 'node_modules'), 'dir');
      const routes = join(scratch, 'contract', 'routes.ts');
      const before = readFileSync(routes, 'utf8');
      // The first user-files grant of GetObject and ListBucket is GET /file's (get-file).
      const widened = before.replace(
        "{ scope: 'user-files', actions: ['s3:GetObject', 's3:ListBucket'] }",
        "{ scope: 'user-files', actions: ['s3:GetObject', 's3:ListBucket', 's3:DeleteObject'] }",
      );
      expect(widened).not.to.equal(before);
      writeFileSync(routes, widened);
    });

    after(() => rmSync(scratch, { recursive: true, force: true }));

    it('flags the widened permission of that function in every stack, and nothing else of IAM', async () => {
      const report = await infraDiff(scratch, 'HEAD');
      expect(report).to.contain('## Infrastructure diff: `HEAD (');
      expect(report).to.contain('→ `working tree`');
      for (const stack of ['lockbox-dev', 'lockbox-prod']) {
        const section = stackSection(report, stack);
        expect(section).to.contain('> [!WARNING]');
        expect(section).to.match(
          new RegExp(
            // User-files grants belong to the route's caller role (the session scoped to the caller's folder).
            `> - \`data\\.aws_iam_policy_document\\.functions_get-file_caller_s3-access-document_[0-9A-F]+\` \\(\`${stack}/functions/get-file/caller/s3-access-document\`\\), statement changed: actions \\+ s3:DeleteObject\n`,
          ),
        );
        expect(section.match(/statement (changed|added|removed)/g)).to.have.length(1);
        expect(section).not.to.contain('[!CAUTION]');
      }
    });
  });
});
