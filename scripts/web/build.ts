import { join } from 'node:path';

/** One file of the built app, by its path under the app's root (`index.html`, `assets/index-….js`). */
export interface WebFile {
  readonly name: string;
  readonly body: Uint8Array;
}

export const WEB_ROOT = join(__dirname, '..', '..', 'web');

/**
 * Builds the React app in memory with Vite and web/vite.config.ts, as `npm run build` in web/ does. The
 * app reads its settings from `config.json` beside it at run time, so one build serves any stack. It
 * imports @lockbox/react and @lockbox/client from their builds (`npm run build:packages`, run by
 * `npm ci`'s prepare step).
 */
export async function buildWebApp(): Promise<WebFile[]> {
  // Vite is ESM only; this file is CommonJS.
  const { build } = await import('vite');
  const result = await build({
    root: WEB_ROOT,
    configFile: join(WEB_ROOT, 'vite.config.ts'),
    logLevel: 'silent',
    build: { write: false, reportCompressedSize: false },
  });
  const outputs = Array.isArray(result) ? result : [result];
  return outputs.flatMap((output) => {
    if (!('output' in output)) throw new Error('Vite answered a watcher, not a build.');
    return output.output.map((file) => ({
      name: file.fileName,
      body:
        file.type === 'chunk'
          ? Buffer.from(file.code)
          : typeof file.source === 'string'
            ? Buffer.from(file.source)
            : file.source,
    }));
  });
}
