import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * The DNS-rebinding defence of every local server. A web page at evil.example can point its own name at
 * 127.0.0.1 and then call a developer's `npm start` as its own origin, so CORS never asks. A browser
 * always sends the name it resolved in `Host`, so a local server answers only requests addressed to it
 * as 127.0.0.1 or localhost on its own port.
 */
const LOOPBACK_NAMES = new Set(['127.0.0.1', 'localhost']);

/** True when `host` (the Host header) names this server: a loopback name and the port it listens on. */
export function isLoopbackHost(host: string | undefined, port: number): boolean {
  if (host === undefined) return false;
  const match = /^([^:]+)(?::(\d+))?$/.exec(host.toLowerCase());
  if (match === null || !LOOPBACK_NAMES.has(match[1])) return false;
  // A browser leaves the port out only when it is the scheme's default.
  return match[2] === undefined ? port === 80 : Number(match[2]) === port;
}

/**
 * Answers 421 Misdirected Request (and closes the connection) when the request's Host does not name this
 * server; true when it did, so the caller stops there. The refused name is not echoed back.
 */
export function refuseForeignHost(req: IncomingMessage, res: ServerResponse): boolean {
  const port = req.socket.localPort ?? 0;
  if (isLoopbackHost(req.headers.host, port)) return false;
  const body = `Misdirected Request: this local server answers only to 127.0.0.1:${port} and localhost:${port}.\n`;
  res.writeHead(421, {
    'Content-Type': 'text/plain; charset=utf-8',
    'Content-Length': Buffer.byteLength(body),
    Connection: 'close',
  });
  res.end(body);
  return true;
}
