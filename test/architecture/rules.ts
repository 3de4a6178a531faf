import type { Import } from './import-graph';

/** The architecture's rules over imports (docs/architecture.md); each names the imports it forbids. */
export interface Rule {
  readonly name: string;
  /** Whether `edge` breaks the rule. */
  readonly forbids: (edge: Import) => boolean;
}

const under =
  (...folders: string[]) =>
  (path: string): boolean =>
    folders.some((folder) => path.startsWith(`${folder}/`));

const isRuntime = under('handlers', 'local', 'packages');
const isInfrastructure = (path: string): boolean => path === 'main.ts' || under('modules', 'stacks')(path);
const isContract = under('contract');
/** The packages that build Terraform: only infrastructure may load them. */
const isInfrastructurePackage = (name: string): boolean =>
  name === 'cdktf' || name === 'constructs' || name.startsWith('@cdktf/');
/** A Lambda entry file `handlers/<name>.ts`, as opposed to the code under handlers/lib/. */
const isHandlerEntry = (path: string): boolean => /^handlers\/[^/]+$/.test(path);

export const RULES: readonly Rule[] = [
  {
    name: 'runtime (handlers/, local/, packages/) never imports infrastructure (modules/, stacks/, main.ts, cdktf)',
    forbids: ({ from, to, isPackage }) =>
      isRuntime(from) && (isPackage ? isInfrastructurePackage(to) : isInfrastructure(to)),
  },
  {
    name: 'infrastructure (modules/, stacks/, main.ts) imports no other repository code than its own and contract/',
    forbids: ({ from, to, isPackage }) =>
      isInfrastructure(from) && !isPackage && !isInfrastructure(to) && !isContract(to),
  },
  {
    name: 'handlers/lib/ never imports an entry file directly in handlers/',
    forbids: ({ from, to, isPackage }) => under('handlers/lib')(from) && !isPackage && isHandlerEntry(to),
  },
  {
    name: 'local/ never imports devtools/ or test/',
    forbids: ({ from, to, isPackage }) => under('local')(from) && !isPackage && under('devtools', 'test')(to),
  },
  {
    name: 'contract/ imports nothing outside contract/ (no package, no Node built-in)',
    forbids: ({ from, to, isPackage }) => isContract(from) && (isPackage || !isContract(to)),
  },
];

/** The folders whose files the rules constrain. */
export const CONSTRAINED_PATHS = [
  'handlers',
  'local',
  'packages',
  'modules',
  'stacks',
  'main.ts',
  'contract',
];

/** Each import `rule` forbids, as `from -> to`. */
export function violations(rule: Rule, imports: readonly Import[]): string[] {
  return [...new Set(imports.filter(rule.forbids).map(({ from, to }) => `${from} -> ${to}`))];
}
