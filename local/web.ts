import { readdir, stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join } from 'node:path';
import { buildWebApp, WEB_ROOT, type WebFile } from '../scripts/web/build';
import type { FrontendConfig } from './config-files';

export interface WebAppOptions {
  readonly config: FrontendConfig;
  /** Origins the app calls besides its own (the embedded S3 of presigned URLs). */
  readonly connectOrigins: readonly string[];
  readonly log: (line: string) => void;
}

/** Answers the request when it is one of the app's files; false leaves it to the caller. */
export type WebAppHandler = (req: IncomingMessage, res: ServerResponse) => Promise<boolean>;

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
};

/** What the built app is made of: the app's sources, and the packages' builds it imports. */
const SOURCES = [
  join(WEB_ROOT, 'src'),
  join(WEB_ROOT, 'index.html'),
  join(WEB_ROOT, 'vite.config.ts'),
].concat(['client', 'react'].map((name) => join(WEB_ROOT, '..', 'packages', name, 'dist')));

/**
 * The React app (web/) at `/`, and `/config.json` from the system's frontend config, the file a
 * deployment puts beside the app from `npx cdktf output`. Files are looked up by exact name in the built
 * set, never on disk, so no path can reach outside it. The app is built by Vite in memory at the first
 * request (2 to 3 s); loading `/` builds it again when a source changed since, so an edit under web/src
 * shows on the next reload.
 */
export function createWebApp(options: WebAppOptions): WebAppHandler {
  const configFile = Buffer.from(`${JSON.stringify(options.config, null, 2)}\n`);
  const policy = contentSecurityPolicy(options.connectOrigins);
  let files: Promise<Map<string, Uint8Array>> | undefined;
  let builtFrom = -1;
  const current = async () => {
    const changed = await newestChange(SOURCES);
    if (files === undefined || changed !== builtFrom) {
      builtFrom = changed;
      files = buildWebApp().then((built: WebFile[]) => new Map(built.map((file) => [file.name, file.body])));
    }
    return files;
  };

  return async (req, res) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return false;
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/config.json') return send(req, res, 'config.json', configFile, policy);
    const name = path === '/' ? 'index.html' : path.slice(1);
    if (!/^(assets\/)?[\w-]+\.(html|js|css|svg)$/.test(name)) return false;
    let built: Map<string, Uint8Array>;
    try {
      built = await (path === '/' || files === undefined ? current() : files);
    } catch (error) {
      files = undefined;
      options.log(`The example app did not build: ${(error as Error).message}`);
      res.writeHead(500, { 'Content-Type': CONTENT_TYPES['.html'] });
      res.end('<!doctype html><title>lockbox</title><p>The example app did not build: see the log.</p>');
      return true;
    }
    const body = built.get(name);
    return body === undefined ? false : send(req, res, name, body, policy);
  };
}

/** The latest modification time (ms) of any file under the paths; 0 for a path that does not exist. */
async function newestChange(paths: readonly string[]): Promise<number> {
  const times = await Promise.all(
    paths.map(async (path): Promise<number> => {
      const info = await stat(path).catch(() => undefined);
      if (info === undefined) return 0;
      if (!info.isDirectory()) return info.mtimeMs;
      const entries = await readdir(path);
      return Math.max(info.mtimeMs, await newestChange(entries.map((entry) => join(path, entry))));
    }),
  );
  return Math.max(0, ...times);
}

function send(
  req: IncomingMessage,
  res: ServerResponse,
  name: string,
  body: Uint8Array,
  policy: string,
): true {
  res.writeHead(200, {
    'Content-Type': CONTENT_TYPES[extname(name)],
    'Content-Length': body.byteLength,
    'Cache-Control': 'no-store',
    'Content-Security-Policy': policy,
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
  });
  res.end(req.method === 'HEAD' ? undefined : body);
  return true;
}

/** Scripts and styles only from the app itself; calls only to itself and the given origins. */
function contentSecurityPolicy(connectOrigins: readonly string[]): string {
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    `connect-src 'self' ${connectOrigins.join(' ')}`,
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}
