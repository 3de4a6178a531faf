/**
 * The browser bundle of client/index.ts (everything the app gets: sign-in, signing, routes, uploads,
 * zips), minified by esbuild and gzipped, against the 40 KB target. Exits non-zero above it.
 */
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

const TARGET_BYTES = 40 * 1024;

async function main(): Promise<void> {
  const result = await build({
    entryPoints: ['packages/client/index.ts'],
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    write: false,
    metafile: true,
  });
  const code = result.outputFiles[0]?.contents ?? new Uint8Array();
  const gzipped = gzipSync(code, { level: 9 }).length;
  const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;
  console.log(
    `client bundle: ${kb(code.length)} minified, ${kb(gzipped)} gzipped (target ${kb(TARGET_BYTES)})`,
  );
  const inputs = result.metafile.outputs[Object.keys(result.metafile.outputs)[0] ?? '']?.inputs ?? {};
  const largest = Object.entries(inputs)
    .sort(([, a], [, b]) => b.bytesInOutput - a.bytesInOutput)
    .slice(0, 5);
  for (const [path, { bytesInOutput }] of largest) console.log(`  ${kb(bytesInOutput).padStart(8)}  ${path}`);
  if (gzipped > TARGET_BYTES) process.exitCode = 1;
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
