import { expect } from 'chai';
import { type Import, REPOSITORY_ROOT, readImports } from './import-graph';
import { CONSTRAINED_PATHS, RULES, violations } from './rules';

describe('the import graph', () => {
  const imports = readImports(REPOSITORY_ROOT, CONSTRAINED_PATHS);

  it('is read from every constrained folder, relative imports resolved to files', () => {
    const edge = (from: string, to: string) => imports.some((i) => i.from === from && i.to === to);
    expect(edge('handlers/list-files.ts', 'handlers/lib/http/handler.ts')).to.equal(true);
    // ESM's `.js` specifiers name the package's `.ts` files.
    expect(imports.some((i) => i.from.startsWith('packages/client/') && i.to.endsWith('.ts'))).to.equal(true);
    expect(imports.some((i) => i.from.startsWith('modules/') && i.to === 'cdktf')).to.equal(true);
  });

  for (const rule of RULES) {
    it(rule.name, () => {
      const found = violations(rule, imports);
      expect(found, `imports that break the rule:\n  ${found.join('\n  ')}\n`).to.deep.equal([]);
    });
  }
});

describe('the architecture rules', () => {
  const edge = (from: string, to: string): Import => ({ from, to, isPackage: !to.endsWith('.ts') });
  // One import each rule must catch, and one next to it that it must let through.
  const cases: readonly (readonly [Import, Import])[] = [
    [edge('local/system.ts', 'modules/iam.ts'), edge('local/system.ts', 'contract/routes.ts')],
    [
      edge('modules/usage-table.ts', 'handlers/lib/quotas/table.ts'),
      edge('modules/iam.ts', 'contract/routes.ts'),
    ],
    [
      edge('handlers/lib/files/store.ts', 'handlers/get-file.ts'),
      edge('handlers/get-file.ts', 'handlers/lib/x.ts'),
    ],
    [edge('local/system.ts', 'devtools/dynamodb.ts'), edge('test/setup.ts', 'devtools/dynamodb.ts')],
    [
      edge('contract/settings.ts', 'handlers/lib/s3/limits.ts'),
      edge('contract/settings.ts', 'contract/s3.ts'),
    ],
  ];

  RULES.forEach((rule, index) => {
    const [forbidden, allowed] = cases[index] ?? [];
    it(`names the import that breaks "${rule.name}" as from -> to`, () => {
      if (forbidden === undefined || allowed === undefined) throw new Error('every rule needs a case');
      expect(violations(rule, [forbidden, allowed])).to.deep.equal([`${forbidden.from} -> ${forbidden.to}`]);
    });
  });

  it('forbids packages in contract/ and cdktf in runtime code', () => {
    const [runtime, , , , contract] = RULES;
    expect(runtime?.forbids(edge('handlers/get-file.ts', 'cdktf'))).to.equal(true);
    expect(contract?.forbids(edge('contract/routes.ts', '@aws-sdk/client-s3'))).to.equal(true);
    expect(contract?.forbids(edge('contract/routes.ts', 'node:crypto'))).to.equal(true);
  });
});
