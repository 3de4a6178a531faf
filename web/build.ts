import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { build } from 'esbuild';

/** One file of the built app, by its name at the app's root. */
export interface WebFile {
  readonly name: string;
  readonly body: Uint8Array;
}

const SOURCE = join(__dirname, 'src');

/**
 * Builds the example app in memory: `index.html` as written, `app.js` and `styles.css` bundled by esbuild.
 * The app reads its settings from `config.json` beside it at run time, so one build serves any stack.
 */
export async function buildWebApp(): Promise<WebFile[]> {
  const [html, bundle] = await Promise.all([
    readFile(join(SOURCE, 'index.html')),
    build({
      entryPoints: { app: join(SOURCE, 'main.ts'), styles: join(SOURCE, 'styles.css') },
      bundle: true,
      format: 'esm',
      platform: 'browser',
      target: 'es2022',
      minify: true,
      sourcemap: false,
      legalComments: 'none',
      outdir: '/',
      write: false,
      logLevel: 'silent',
    }),
  ]);
  const outputs = bundle.outputFiles.map((file) => ({
    name: file.path.replace(/^\//, ''),
    body: file.contents,
  }));
  return [{ name: 'index.html', body: html }, ...outputs];
}
