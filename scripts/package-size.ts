/**
 * The gzipped size an app pays for each package: its entry bundled and minified by esbuild for the
 * browser, with what the app has anyway (React, and the client under the hooks) left out.
 */
import { gzipSync } from 'node:zlib';
import { build, type Metafile } from 'esbuild';

export interface PackageSize {
  readonly name: string;
  readonly minified: number;
  readonly gzipped: number;
  readonly target: number;
  /** The inputs that take the most bytes, largest first. */
  readonly largest: readonly (readonly [string, number])[];
}

/** The targets of issue 21: the client ≤ 12 KB gzipped, the hooks ≤ 4 KB. */
export const PACKAGES = [
  { name: '@lockbox/client', dir: 'client', target: 12 * 1024 },
  { name: '@lockbox/react', dir: 'react', target: 4 * 1024 },
] as const;

export async function packageSize(name: string, entry: string, target: number): Promise<PackageSize> {
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    external: ['react', 'react-dom', '@lockbox/client'],
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  const code = result.outputFiles[0]?.contents ?? new Uint8Array();
  const output: Metafile['outputs'][string] | undefined = Object.values(result.metafile.outputs)[0];
  const largest = Object.entries(output?.inputs ?? {})
    .map(([path, { bytesInOutput }]) => [path, bytesInOutput] as const)
    .sort(([, a], [, b]) => b - a)
    .slice(0, 5);
  return { name, minified: code.length, gzipped: gzipSync(code, { level: 9 }).length, target, largest };
}

const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;

/** Prints one line per package; true when every one is within its target. */
export function report(sizes: readonly PackageSize[], detail: boolean): boolean {
  for (const size of sizes) {
    const within = size.gzipped <= size.target;
    console.log(
      `${size.name}: ${kb(size.minified)} minified, ${kb(size.gzipped)} gzipped ` +
        `(target ${kb(size.target)}${within ? '' : ', OVER'})`,
    );
    if (detail) for (const [path, bytes] of size.largest) console.log(`  ${kb(bytes).padStart(8)}  ${path}`);
  }
  return sizes.every((size) => size.gzipped <= size.target);
}
