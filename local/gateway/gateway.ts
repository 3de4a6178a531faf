import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { checkedOrigins } from '../../contract/preflight';
import type { Route } from '../../contract/routes';
import type { CredentialRegistry } from '../credentials/registry';
import type { ConcurrencyLimit } from '../lambda/concurrency';
import { verifySigV4 } from '../sigv4/verify';
import { callerIdentity } from './caller-identity';
import { gatewayReply, type Reply } from './gateway-responses';
import { invokeRoute, type ProxyHandler } from './invoke-route';
import { preflightReply } from './preflight';
import { proxyEvent } from './proxy-event';
import { proxyReply } from './proxy-result';
import { readBody } from './read-body';
import {
  GATEWAY_FAULT,
  LAMBDA_FAILED,
  NO_ROUTE,
  type Refusal,
  sigV4Refusal,
  THROTTLED,
  TOO_LARGE,
} from './refusals';
import { matchRoute } from './route-match';

export interface GatewayOptions {
  /** The stage, the first path segment: `/<stage>/files`. */
  readonly stage: string;
  readonly region: string;
  /** The route table (contract/routes.ts). */
  readonly routes: readonly Route[];
  /** The function behind a route. */
  readonly resolveHandler: (route: Route) => ProxyHandler;
  /** The issued credentials to check signatures against. */
  readonly registry: CredentialRegistry;
  /** As the stack's: the preflight's origins; the first one is on the gateway's own errors. */
  readonly allowedOrigins: readonly string[];
  /** One line per request: method, route, status, duration; never a key, query string or token. */
  readonly log: (line: string) => void;
  /** @default Date.now */
  readonly now?: () => number;
  /** How many functions may run at once; a request waits for a slot, then is throttled. @default no bound */
  readonly concurrency?: ConcurrencyLimit;
}

export interface Gateway {
  handle(req: IncomingMessage, res: ServerResponse): Promise<void>;
}

/** API Gateway's largest request body; Lambda's 6 MB limit on the event is checked after auth. */
const MAX_BODY_BYTES = 10 * 1024 * 1024;

/** What a request gets, and the route table's path it reached, for the log. */
interface Outcome {
  readonly reply: Reply;
  readonly route: string;
  /** The body was left unread: close the connection after answering. */
  readonly close?: boolean;
  /** Milliseconds spent reading the client's body and running the function: the rest is the gateway's own. */
  readonly readMs?: number;
  /** Milliseconds waiting for a free function instance (local/lambda/concurrency.ts). */
  readonly waitMs?: number;
  readonly functionMs?: number;
}

/**
 * The API Gateway stand-in: the REST API the stack builds from the route table, checking each request
 * in API Gateway's order before its function runs: CORS preflight (no auth), then SigV4 (missing,
 * malformed, clock skew, unknown or expired credentials, signature over the raw path and exact bytes),
 * with an unknown route answered as a missing token; then Lambda's limits. Every refusal goes through
 * the stack's gateway responses.
 */
export function createGateway(options: GatewayOptions): Gateway {
  const { stage, routes, registry, log } = options;
  const now = options.now ?? Date.now;
  checkedOrigins(options.allowedOrigins);
  const stagePrefix = `/${stage}/`;

  async function respond(req: IncomingMessage, requestId: string): Promise<Outcome | undefined> {
    const url = req.url ?? '/';
    const method = req.method ?? 'GET';
    const refuse = (refusal: Refusal, route = '-'): Outcome => ({
      reply: gatewayReply(refusal, requestId, (name) => header(req, name)),
      route,
    });
    if (!url.startsWith(stagePrefix)) return { reply: FORBIDDEN, route: '-' };
    const [rawPath, rawQuery] = splitOnce(url.slice(stagePrefix.length - 1), '?');
    const match = matchRoute(routes, method, rawPath);
    if (method === 'OPTIONS' && match.kind === 'resource') {
      const reply = preflightReply(match.methods, options.allowedOrigins, header(req, 'origin'));
      return { reply, route: match.path };
    }

    const readStarted = performance.now();
    const body = await readBody(req, MAX_BODY_BYTES);
    const readMs = performance.now() - readStarted;
    if (body.kind === 'aborted') return undefined;
    if (body.kind === 'too-large') return { ...refuse(TOO_LARGE), close: true };
    const verified = await verifySigV4(
      { method, url, rawHeaders: req.rawHeaders, body: body.bytes },
      { service: 'execute-api', region: options.region, lookup: registry.lookup, uriEscapePath: true, now },
    );
    if (match.kind !== 'route') {
      // API Gateway still names a malformed Authorization header; anything else is a missing token.
      const malformed = !verified.ok && verified.reason === 'IncompleteSignature';
      return refuse(malformed ? sigV4Refusal(verified.reason, verified.message) : NO_ROUTE);
    }
    const { route } = match;
    if (!verified.ok) return refuse(sigV4Refusal(verified.reason, verified.message), route.path);

    const sourceIp = req.socket.remoteAddress ?? '127.0.0.1';
    const userAgent = header(req, 'user-agent') ?? null;
    const event = proxyEvent({
      route,
      pathParameters: match.pathParameters,
      stage,
      method,
      rawPath,
      rawQuery,
      rawHeaders: req.rawHeaders,
      body: body.bytes,
      identity: callerIdentity(verified.credentials, { sourceIp, userAgent }),
      requestId,
      requestTimeEpoch: now(),
      sourceIp,
      localPort: req.socket.localPort ?? 0,
    });
    const waitStarted = performance.now();
    const release = options.concurrency === undefined ? () => {} : await options.concurrency.acquire();
    const waitMs = performance.now() - waitStarted;
    if (release === undefined) {
      const { reply } = refuse(THROTTLED, route.path);
      return { reply: { ...reply, headers: [...reply.headers, ['Retry-After', '1']] }, route: route.path };
    }
    const invokeStarted = performance.now();
    const invocation = await invokeRoute(route, options.resolveHandler(route), event).finally(release);
    const functionMs = performance.now() - invokeStarted;
    if (!invocation.ok) {
      if (invocation.error !== undefined)
        log(`${method} ${route.path} function failed: ${describe(invocation.error)}`);
      return refuse(invocation.refusal, route.path);
    }
    const reply = proxyReply(invocation.result);
    if (reply === undefined) {
      log(`${method} ${route.path} function failed: malformed Lambda proxy response`);
      return refuse(LAMBDA_FAILED, route.path);
    }
    return { reply, route: route.path, readMs, waitMs, functionMs };
  }

  return {
    async handle(req, res) {
      const started = performance.now();
      const requestId = randomUUID();
      let outcome: Outcome | undefined;
      try {
        outcome = await respond(req, requestId);
      } catch (error) {
        // A fault of the stand-in itself (e.g. resolveHandler): API Gateway's own 500, never its text.
        log(`${req.method} - gateway fault: ${describe(error)}`);
        outcome = {
          reply: gatewayReply(GATEWAY_FAULT, requestId, (name) => header(req, name)),
          route: '-',
          close: true,
        };
      }
      if (outcome === undefined) return;
      const { reply, route, close } = outcome;
      const headers: (readonly [string, string])[] = [...reply.headers, ['x-amzn-RequestId', requestId]];
      if (outcome.functionMs !== undefined) {
        // Local only (API Gateway sends no such header): what the gateway itself costs, for npm run bench:api.
        const waitMs = outcome.waitMs ?? 0;
        const gatewayMs = performance.now() - started - (outcome.readMs ?? 0) - waitMs - outcome.functionMs;
        headers.push([
          'Server-Timing',
          `gateway;dur=${gatewayMs.toFixed(3)}, wait;dur=${waitMs.toFixed(3)}, handler;dur=${outcome.functionMs.toFixed(3)}`,
        ]);
      }
      if (close) headers.push(['Connection', 'close']);
      res.writeHead(reply.status, headers.flat());
      res.end(reply.body);
      log(`${req.method} ${route} ${reply.status} ${Math.round(performance.now() - started)}ms`);
    },
  };
}

/** A path outside the stage: API Gateway finds no stage and answers before any gateway response. */
const FORBIDDEN: Reply = {
  status: 403,
  headers: [
    ['Content-Type', 'application/json'],
    ['x-amzn-ErrorType', 'ForbiddenException'],
  ],
  body: '{"message":"Forbidden"}',
};

function splitOnce(value: string, separator: string): [string, string] {
  const at = value.indexOf(separator);
  return at === -1 ? [value, ''] : [value.slice(0, at), value.slice(at + 1)];
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name.toLowerCase()];
  return Array.isArray(value) ? value[value.length - 1] : value;
}

/** A function's failure for the log: its name and message, never its stack. */
function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : 'a non-Error was thrown';
}
