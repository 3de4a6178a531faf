import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { parse } from 'yaml';

const ROOT = join(__dirname, '..', '..', '..');
const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');

describe('the packages are versioned with the API contract', () => {
  const apiVersion = (parse(read('docs/openapi.yaml')) as { info: { version: string } }).info.version;

  for (const dir of ['packages/client', 'packages/react']) {
    it(`${dir} has docs/openapi.yaml's info.version`, () => {
      expect(JSON.parse(read(`${dir}/package.json`)).version).to.equal(apiVersion);
    });
  }

  it('@lockbox/react depends on the @lockbox/client of the same version', () => {
    const react = JSON.parse(read('packages/react/package.json'));
    expect(react.dependencies['@lockbox/client']).to.equal(apiVersion);
  });
});
