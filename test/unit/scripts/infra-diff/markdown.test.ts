import { expect } from 'chai';
import { code, REPORT_MARKER, renderReport } from '../../../../scripts/infra-diff/markdown';
import { diffStacks } from '../../../../scripts/infra-diff/stack-diff';
import { allow, OBJECTS, policyDocument, stackJson } from './fixtures';

describe('infra-diff Markdown report', () => {
  const before = stackJson({
    resource: {
      'aws_lambda_function.fn': { function_name: 'lockbox-dev-fn', source_code_hash: 'a', memory_size: 256 },
      'aws_s3_bucket.files': { bucket_prefix: 'lockbox-dev-files-' },
    },
    data: { 'aws_iam_policy_document.access': policyDocument(allow(['s3:GetObject'], [OBJECTS])) },
  });
  const after = stackJson({
    resource: {
      'aws_lambda_function.fn': { function_name: 'lockbox-dev-fn', source_code_hash: 'b', memory_size: 512 },
      'aws_s3_bucket.files': { bucket_prefix: 'lockbox-dev-data-' },
    },
    data: {
      'aws_iam_policy_document.access': policyDocument(allow(['s3:GetObject', 's3:PutObject'], [OBJECTS])),
    },
  });
  const report = renderReport(
    'main',
    'working tree',
    diffStacks(new Map([['lockbox-dev', before]]), new Map([['lockbox-dev', after]])),
  );

  it('starts with the marker the workflow updates its comment by, then a summary row per stack', () => {
    expect(
      report.startsWith(`${REPORT_MARKER}\n## Infrastructure diff: \`main\` → \`working tree\``),
    ).to.equal(true);
    expect(report).to.contain('| `lockbox-dev` | 0 | 0 | 3 | 1 | 1 | 1 |');
  });

  it('puts the stateful replacement and the widened permission in alert blocks', () => {
    expect(report).to.contain('> [!CAUTION]');
    expect(report).to.contain(
      '> - `aws_s3_bucket.files` (`stack/files`): replaced: `bucket_prefix` cannot change in place',
    );
    expect(report).to.contain('> [!WARNING]');
    expect(report).to.contain(
      '> - `data.aws_iam_policy_document.access` (`stack/access`), statement changed: actions + s3:PutObject',
    );
    expect(report).to.contain(`>   - after: Allow \`s3:GetObject\`, \`s3:PutObject\` on \`${OBJECTS}\``);
  });

  it('summarises code as changed per function and lists the other arguments that changed', () => {
    expect(report).to.contain('**Handler code changed** (1): `lockbox-dev-fn`');
    expect(report).to.contain('  - `memory_size`: `256` → `512`');
    expect(report).not.to.contain('source_code_hash');
  });

  it('says so when a stack has no changes, and renders the same input to the same bytes', () => {
    const same = diffStacks(new Map([['s', before]]), new Map([['s', structuredClone(before)]]));
    expect(renderReport('a', 'b', same)).to.contain('### `s`\n\nNo changes.\n');
    expect(renderReport('a', 'b', same)).to.equal(renderReport('a', 'b', same));
  });

  it('marks a stack that exists on one side only', () => {
    const added = diffStacks(new Map(), new Map([['lockbox-qa', before]]));
    expect(renderReport('a', 'b', added)).to.contain(
      '| `lockbox-qa` (stack added) | 3 | 0 | 0 | 1 | 0 | 0 |',
    );
  });

  it('writes code spans that hold backticks', () => {
    expect(code('a`b')).to.equal('``a`b``');
    expect(code('`x')).to.equal('`` `x ``');
  });
});
