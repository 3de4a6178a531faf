import { createHash } from 'node:crypto';
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type BuildOptions, buildSync } from 'esbuild';
import { projectRoot } from '../project-root';
import { singleFileZip } from './single-file-zip';

/** One handler, bundled: what a function needs to deploy it and to know when it changed. */
export interface HandlerBundle {
  readonly handler: string;
  /** Absolute path of the deployment zip (one `index.js`). */
  readonly zipPath: string;
  /** Size of the minified `index.js`, in bytes. */
  readonly bytes: number;
  /** Base64 SHA-256 of `index.js`: moves exactly when the code does, whatever machine built it. */
  readonly sha256: string;
}

/** The Lambda handler setting of every bundle: `index.js`, export `handler`. */
export const BUNDLE_ENTRY = 'index.handler';

const cache = new Map<string, HandlerBundle>();

/** How every handler is bundled (npm run bench:init builds its S3-client floor with the same). */
export const BUNDLE_OPTIONS = {
  bundle: true,
  write: false,
  minify: true,
  platform: 'node',
  target: 'node22',
  format: 'cjs',
  // The SDK's ES modules tree-shake; its CommonJS builds (esbuild's default for node) do not.
  mainFields: ['module', 'main'],
  alias: { '@aws-sdk/credential-provider-node': './modules/bundle/lambda-credentials.ts' },
  sourcemap: false,
  legalComments: 'none',
  logLevel: 'error',
} as const satisfies BuildOptions;

/**
 * Bundles `handlers/<name>.ts` for each name with esbuild (one build for all, so shared code is parsed
 * once), AWS SDK included: minified CommonJS for Node 22, no source maps, no timestamps, the SDK's
 * credential chain cut down to the environment variables Lambda sets (see lambda-credentials.ts). Each bundle is
 * zipped deterministically into `dist/handlers/<name>.zip`. Memoized per process: a synth and the tests
 * bundle once.
 */
export function bundleHandlers(names: readonly string[]): ReadonlyMap<string, HandlerBundle> {
  for (const name of names) {
    if (!/^[a-z0-9]+(-[a-z0-9]+)*$/.test(name)) throw new Error(`Handler name "${name}" is not kebab-case`);
  }
  const missing = [...new Set(names)].filter((name) => !cache.has(name)).sort();
  if (missing.length > 0) build(missing);
  return new Map(names.map((name) => [name, cache.get(name) as HandlerBundle]));
}

function build(names: readonly string[]): void {
  const root = projectRoot();
  const outdir = join(root, 'dist', 'handlers');
  const result = buildSync({
    ...BUNDLE_OPTIONS,
    absWorkingDir: root,
    entryPoints: Object.fromEntries(names.map((name) => [name, join(root, 'handlers', `${name}.ts`)])),
    outdir,
  });
  mkdirSync(outdir, { recursive: true });
  for (const name of names) {
    const output = result.outputFiles.find((file) => file.path === join(outdir, `${name}.js`));
    if (output === undefined) throw new Error(`esbuild wrote no bundle for handlers/${name}.ts`);
    const code = Buffer.from(output.contents);
    const zipPath = join(outdir, `${name}.zip`);
    // Write then rename, so a concurrent synth never reads half a zip (both write the same bytes).
    const partial = `${zipPath}.${process.pid}.partial`;
    writeFileSync(partial, singleFileZip('index.js', code));
    renameSync(partial, zipPath);
    cache.set(name, {
      handler: name,
      zipPath,
      bytes: code.length,
      sha256: createHash('sha256').update(code).digest('base64'),
    });
  }
}
