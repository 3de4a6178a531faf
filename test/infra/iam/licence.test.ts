import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import { projectRoot } from '../../../modules/project-root';
import packageJson from '../../../package.json';

/**
 * The IAM evaluator (@cloud-copilot/iam-simulate and its iam-policy, iam-utils) is AGPL-3.0-or-later:
 * lockbox may run it in its tests and `npm run iam:table`, never ship it (docs/dependencies.md).
 */
const AGPL = /@cloud-copilot\/iam-(simulate|policy|utils|expand)/;
const ADAPTER = 'devtools/iam/evaluate.ts';
/** Where code that reaches the adapter may live: tests and the scripts that only developers run. */
const DEV_ONLY = /^(test\/|devtools\/iam\/|scripts\/iam-table\.ts$|scripts\/infra-diff)/;

const root = projectRoot();
const sources = execFileSync('git', ['ls-files', '*.ts', '*.mts', '*.js', '*.mjs', '*.cjs', '*.tsx'], {
  cwd: root,
  encoding: 'utf8',
})
  .split('\n')
  .filter((file) => file !== '');
const read = (file: string) => readFileSync(`${root}/${file}`, 'utf8');

describe('IAM: the AGPL evaluator stays a development tool', () => {
  it('is imported by the adapter only', () => {
    const importers = sources.filter((file) => AGPL.test(read(file)) && !file.startsWith('test/'));
    expect(importers).to.deep.equal([ADAPTER]);
  });

  it('is reached only from tests and developer scripts', () => {
    const reaching = sources.filter((file) =>
      /devtools\/iam\/|\.\/evaluate['"]|\.\/request-table['"]/.test(read(file)),
    );
    expect(reaching.filter((file) => !DEV_ONLY.test(file))).to.deep.equal([]);
  });

  it('is a devDependency, pinned', () => {
    const dev: Record<string, string> = packageJson.devDependencies;
    const runtime: Record<string, string> = packageJson.dependencies;
    expect(dev['@cloud-copilot/iam-simulate']).to.match(/^\d+\.\d+\.\d+$/);
    expect(Object.keys(runtime).filter((name) => AGPL.test(name))).to.deep.equal([]);
  });
});
