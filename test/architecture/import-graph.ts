import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, posix } from 'node:path';
import ts from 'typescript';

/** One import as written in a file: a repository-relative path for a local file, else the package name. */
export interface Import {
  /** The importing file, relative to the root, with `/` separators. */
  readonly from: string;
  /** The imported file relative to the root, or the bare specifier of a package (`cdktf`, `node:fs`). */
  readonly to: string;
  readonly isPackage: boolean;
}

const SOURCE = /\.(ts|tsx|mts|cts|js|mjs|cjs)$/;
const SKIPPED_DIRECTORIES = new Set(['node_modules', 'dist', 'cdktf.out', '.gen']);

function sourceFiles(root: string, path: string): string[] {
  const absolute = join(root, path);
  if (!existsSync(absolute)) return [];
  if (statSync(absolute).isFile()) return SOURCE.test(path) ? [path] : [];
  return readdirSync(absolute)
    .filter((name) => !SKIPPED_DIRECTORIES.has(name))
    .flatMap((name) => sourceFiles(root, posix.join(path, name)));
}

/** The file a relative specifier names, as TypeScript resolves it (ESM's `.js` naming the `.ts`). */
function resolveLocal(root: string, from: string, specifier: string): string | undefined {
  const base = posix.join(posix.dirname(from), specifier);
  const stem = base.replace(/\.(js|mjs|cjs)$/, '');
  const candidates = [
    base,
    `${stem}.ts`,
    `${stem}.tsx`,
    `${stem}.mts`,
    `${stem}.cts`,
    `${base}.ts`,
    `${base}.tsx`,
    `${base}/index.ts`,
  ];
  return candidates.find((path) => existsSync(join(root, path)) && statSync(join(root, path)).isFile());
}

/**
 * Every import (static, `import type`, `export … from`, `import()` and `require()` of a string literal) of
 * the source files under `paths`. A relative import that names no file throws, so that a rule over the
 * graph never passes for want of an edge.
 */
export function readImports(root: string, paths: readonly string[]): Import[] {
  const imports: Import[] = [];
  for (const from of paths.flatMap((path) => sourceFiles(root, path))) {
    const text = readFileSync(join(root, from), 'utf8');
    const { importedFiles } = ts.preProcessFile(text, true, true);
    for (const { fileName: specifier } of importedFiles) {
      if (!specifier.startsWith('.')) {
        imports.push({ from, to: specifier, isPackage: true });
        continue;
      }
      const to = resolveLocal(root, from, specifier);
      if (to === undefined) throw new Error(`${from}: cannot resolve "${specifier}"`);
      imports.push({ from, to, isPackage: false });
    }
  }
  return imports;
}

/** The repository's root, from this file's place in it. */
export const REPOSITORY_ROOT = join(__dirname, '..', '..');
