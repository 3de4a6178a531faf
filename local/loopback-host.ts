import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * The DNS-rebinding defence of every local server. A web page at evil.example can point its own name at
 * 127.0.0.1 and then call a developer's `npm start` as its own origin, so CORS never asks. A browser
 * always sends the name it resolved in `Host`, so a local server answers only requests addressed to it
 * by a loopback name. The port is not checked: a page on another local port is another origin, which CORS
 * already covers, and a proxy in front of a server (a Vite dev server's, a test's) must keep the client's
 * `Host`, which SigV4 signs.
 */
const LOOPBACK_NAMES = new Set(['127.0.0.1', 'localhost']);

/** True when `host` (the Host header) is a loopback name, with or without a port. */
export function isLoopbackHost(host: string | undefined): boolean {
  if (host === undefined) return false;
  const match = /^([^:]+)(?::\d{1,5})?$/.exec(host.toLowerCase());
  return match !== null && LOOPBACK_NAMES.has(match[1]);
}

/**
 * Answers 421 Misdirected Request (and closes the connection) when the request's Host is not a loopback
 * name; true when it did, so the caller stops there. The refused name is not echoed back.
 */
export function refuseForeignHost(req: IncomingMessage, res: ServerResponse): boolean {
  if (isLoopbackHost(req.headers.host)) return false;
  const body = 'Misdirected Request: this local server answers only to 127.0.0.1 and localhost.\n';
  res.writeHead(421, {
    'Content-Type': 'text/plain; charset=utf-8',
    'Content-Length': Buffer.byteLength(body),
    Connection: 'close',
  });
  res.end(body);
  return true;
}
