import { FORK_VERSIONS } from './fork-versions';

type Dependencies = Record<string, string>;

export interface PackageJson {
  readonly dependencies?: Dependencies;
  readonly devDependencies?: Dependencies;
  readonly [key: string]: unknown;
}

/**
 * Our package.json moved to the fork: cdktf → cdktn, @cdktf/provider-aws → @cdktn/provider-aws, constructs
 * to a version the fork accepts; cdktf-cli dropped (synth runs the app with tsx; the fork's CLI, cdktn-cli,
 * needs Node ≥ 22.19). Everything else stays as pinned, so the tests run on the same libraries.
 */
export function forkPackageJson(ours: PackageJson): PackageJson {
  const swap = (dependencies: Dependencies | undefined): Dependencies | undefined => {
    if (dependencies === undefined) return undefined;
    const moved: Dependencies = {};
    for (const [name, version] of Object.entries(dependencies)) {
      if (name === 'cdktf') moved.cdktn = FORK_VERSIONS.cdktn;
      else if (name === '@cdktf/provider-aws') moved['@cdktn/provider-aws'] = FORK_VERSIONS.providerAws;
      else if (name === 'constructs') moved.constructs = FORK_VERSIONS.constructs;
      else if (name !== 'cdktf-cli') moved[name] = version;
    }
    return Object.fromEntries(Object.entries(moved).sort(([a], [b]) => (a < b ? -1 : 1)));
  };
  return { ...ours, dependencies: swap(ours.dependencies), devDependencies: swap(ours.devDependencies) };
}

/** A TypeScript source with its cdktf imports moved to the fork: same class names, same paths. */
export function forkImports(source: string): string {
  return source
    .replace(/(from\s+|import\s*\(\s*|require\s*\(\s*)(['"])cdktf(\/[^'"]*)?\2/g, '$1$2cdktn$3$2')
    .replace(/(['"])@cdktf\/provider-aws(\/[^'"]*)?\1/g, '$1@cdktn/provider-aws$2$1');
}
