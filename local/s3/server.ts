import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { refuseForeignHost } from '../loopback-host';
import { S3Error } from './errors';
import type { ObjectCreatedEvent, ObjectRemovedEvent } from './events';
import { requiredAccess } from './http/access';
import { authenticate, type Verifier } from './http/auth';
import { answerPreflight, corsHeaders } from './http/cors';
import { sendError } from './http/responses';
import { accessDenied, isAllowed as isPolicyAllowed, type S3Access } from './http/session-policy';
import { parseTarget, withHoistedHeaders } from './http/target';
import { operationFor } from './operations';
import type { CreationJournal } from './store/creation-journal';
import type { Storage } from './store/storage';

export interface ServerOptions {
  readonly storage: Storage;
  readonly verify: Verifier;
  readonly isKnownKey: (accessKeyId: string) => boolean;
  readonly allowedOrigins: readonly string[];
  /** A request body that sends nothing for this long is cut (S3's RequestTimeout). @default 20 s, as S3 */
  readonly idleBodyTimeoutMs?: number;
  readonly onObjectCreated?: (event: ObjectCreatedEvent) => void | Promise<void>;
  readonly onObjectRemoved?: (event: ObjectRemovedEvent) => void | Promise<void>;
  /** Where intents to store an object are journaled until notified (store/creation-journal.ts). @default none */
  readonly journal?: CreationJournal;
  readonly log?: (line: string) => void;
}

/** How long S3 waits for more of a request's body before RequestTimeout: about 20 s. */
const IDLE_BODY_TIMEOUT_MS = 20_000;

/** The server, and its notification of a created object (index.ts notifies the journal's leftovers). */
export interface S3Server {
  readonly server: Server;
  readonly objectCreated: (event: ObjectCreatedEvent) => void;
}

/** The largest refused body read to its end before answering: S3's largest presigned part here is 16 MiB. */
const MAX_DRAINED_BYTES = 32 * 1024 * 1024;

function drain(req: IncomingMessage): Promise<void> {
  return new Promise((resolve) => {
    req
      .on('end', resolve)
      .on('error', () => resolve())
      .resume();
  });
}

const internalError = () =>
  new S3Error(500, 'InternalError', 'We encountered an internal error. Please try again.');

/** A write that the disk had no room for (ENOSPC): 507, which S3 never sends, with what to do. */
const insufficientStorage = () =>
  new S3Error(507, 'InsufficientStorage', "The local S3's data folder is full: free disk space, then retry.");

/** The HTTP server: CORS, routing, auth, then one operation; every failure becomes S3's XML error. */
export function createS3Server(options: ServerOptions): S3Server {
  const origins = new Set(options.allowedOrigins);
  const log = options.log ?? (() => {});
  // Handed to the listener at once, before the answer: it may record the event durably (local mode's
  // outbox), so that an answered write never loses its notification. A listener's failure is logged and
  // never fails the request that stored the object. Like S3's sequencer: taken when the object is
  // stored, so a later change of a key has a greater one.
  let lastSequence = 0;
  const sequencer = () => {
    lastSequence = Math.max(lastSequence + 1, Date.now() * 1000);
    return lastSequence.toString(16).toUpperCase().padStart(16, '0');
  };
  const notify = <E extends { bucket: string; key: string }>(
    name: string,
    listener: ((event: E) => void | Promise<void>) | undefined,
    event: E,
  ) => {
    const failed = (error: unknown) =>
      log(`${name} failed for ${event.bucket}/${event.key}: ${(error as Error).stack ?? error}`);
    try {
      Promise.resolve(listener?.(event)).catch(failed);
    } catch (error) {
      failed(error);
    }
  };
  const objectCreated = (event: ObjectCreatedEvent) =>
    notify('onObjectCreated', options.onObjectCreated, { ...event, sequencer: sequencer() });
  const objectRemoved = (event: ObjectRemovedEvent) =>
    notify('onObjectRemoved', options.onObjectRemoved, { ...event, sequencer: sequencer() });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.method === 'OPTIONS') return answerPreflight(req, res, origins);
    const target = parseTarget(req.url ?? '/');
    const headers = withHoistedHeaders(req.headers, target.query);
    // Auth first, as S3: an unsigned request learns nothing, not even which operations exist.
    const { payload, credentials } = await authenticate(req, headers, options.verify, options.isKnownKey);
    // A copy source hoisted into a presigned URL's query counts, as it does for requiredAccess below.
    const operation = operationFor(req.method ?? 'GET', target, headers['x-amz-copy-source'] !== undefined);
    const policy = credentials.sessionPolicy;
    const isAllowed = (access: S3Access) => policy === undefined || isPolicyAllowed(policy, access);
    if (!requiredAccess(req.method ?? 'GET', target, headers).every(isAllowed)) throw accessDenied();
    await operation({
      req,
      res,
      method: req.method ?? 'GET',
      ...target,
      headers,
      payload,
      idleBodyTimeoutMs: options.idleBodyTimeoutMs ?? IDLE_BODY_TIMEOUT_MS,
      isAllowed,
      storage: options.storage,
      objectCreated,
      objectRemoved,
      beginCreate: (intent) => options.journal?.begin(intent) ?? (() => {}),
    });
  }

  const server = createServer((req, res) => {
    if (refuseForeignHost(req, res)) return log(`${req.method} s3 421 (Host is not this server)`);
    const started = Date.now();
    const requestId = randomBytes(8).toString('hex').toUpperCase();
    res.setHeader('x-amz-request-id', requestId);
    res.setHeader('x-amz-id-2', requestId);
    for (const [name, value] of Object.entries(corsHeaders(req, origins)))
      res.setHeader(name, value as string);
    handle(req, res)
      .catch(async (error: unknown) => {
        const s3Error =
          error instanceof S3Error
            ? error
            : (error as NodeJS.ErrnoException)?.code === 'ENOSPC'
              ? insufficientStorage()
              : internalError();
        // The stack, never the URL: its path is a user's key and its query may hold a session token.
        if (s3Error.status === 507) log(`${requestId} ${req.method} s3: ${s3Error.message}`);
        else if (!(error instanceof S3Error))
          log(`${requestId} ${req.method} s3: ${(error as Error).stack ?? error}`);
        if (res.headersSent) {
          res.destroy();
          return;
        }
        // A body refused before it was read (an aborted upload's part, a bad signature): read and drop a
        // small one so that the client gets the answer, not a reset connection; close on a large one.
        if (!req.complete) {
          const length = Number(req.headers['content-length'] ?? Number.POSITIVE_INFINITY);
          if (s3Error.code !== 'RequestTimeout' && length <= MAX_DRAINED_BYTES) {
            await drain(req);
          } else {
            res.setHeader('Connection', 'close');
          }
        }
        const path = (req.url ?? '/').split('?')[0];
        sendError(res, s3Error, requestId, path, req.method === 'HEAD');
      })
      .finally(() => log(`${req.method} s3 ${res.statusCode} ${Date.now() - started}ms`));
  });
  // Node cuts a request after 5 minutes by default: a large upload over a slow link may take longer.
  server.requestTimeout = 0;
  return { server, objectCreated };
}

/** Listens on host:port (0 = a free port) and resolves with the endpoint URL. */
export async function listen(server: Server, host: string, port: number): Promise<string> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  return `http://${host}:${address.port}`;
}
