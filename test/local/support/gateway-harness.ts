import { randomBytes, randomUUID } from 'node:crypto';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { type Route, routes } from '../../../contract/routes';
import { createCredentialRegistry, type IssuedCredentials } from '../../../local/credentials/registry';
import { createGateway } from '../../../local/gateway/gateway';
import type { ProxyHandler } from '../../../local/gateway/invoke-route';
import type { ConcurrencyLimit } from '../../../local/lambda/concurrency';
import { REGION, USER_POOL_ID } from './id-tokens';
import { type Listening, listen } from './listen';

export const STAGE = 'local';
export const ORIGINS = ['http://localhost:5173', 'http://127.0.0.1:5173'];

/** Extra routes for Lambda's failure modes; the real table serves everything else. */
export const SLOW_ROUTE: Route = {
  method: 'POST',
  path: '/slow',
  handler: 'slow',
  s3: [],
  timeoutSeconds: 1,
};

export interface GatewayHarness extends Listening {
  readonly port: number;
  /** Issued, valid credentials of one signed-in user. */
  readonly credentials: IssuedCredentials;
  /** Issues more credentials (e.g. already expired ones). */
  issue(expiresAt?: number): IssuedCredentials;
  /** The events the functions received, newest last. */
  readonly events: APIGatewayProxyEvent[];
  readonly logLines: string[];
  /** What the next function call does; by default it answers 200 `{"ok":true}`. */
  behaviour: ProxyHandler;
  /** Moves the gateway's clock. */
  clockOffsetMs: number;
  /** Makes resolveHandler throw, as a broken composition would. */
  failResolve: boolean;
}

export const answerOk: ProxyHandler = async () => ({
  statusCode: 200,
  headers: { 'Content-Type': 'application/json' },
  body: '{"ok":true}',
});

/** `concurrency` bounds the functions running at once, as local mode does. */
export async function startGateway(
  options: { concurrency?: ConcurrencyLimit } = {},
): Promise<GatewayHarness> {
  const registry = createCredentialRegistry();
  const identityId = `${REGION}:${randomUUID()}`;
  const issue = (expiresAt = Date.now() + 3600_000): IssuedCredentials => {
    const credentials: IssuedCredentials = {
      accessKeyId: `ASIA${randomBytes(8).toString('hex').toUpperCase()}`,
      secretAccessKey: randomBytes(30).toString('base64'),
      sessionToken: randomBytes(64).toString('base64'),
      expiresAt,
      identity: {
        identityId,
        identityPoolId: `${REGION}:00000000-0000-4000-8000-000000000000`,
        sub: '7d1c5c1e-7e0e-4c47-9d0c-000000000001',
        userPoolId: USER_POOL_ID,
        authenticationType: 'authenticated',
      },
    };
    registry.add(credentials);
    return credentials;
  };
  const events: APIGatewayProxyEvent[] = [];
  const logLines: string[] = [];
  const harness = {
    behaviour: answerOk,
    clockOffsetMs: 0,
    failResolve: false,
  } as { behaviour: ProxyHandler; clockOffsetMs: number; failResolve: boolean };
  const gateway = createGateway({
    stage: STAGE,
    region: REGION,
    routes: [...routes, SLOW_ROUTE],
    resolveHandler: () => {
      if (harness.failResolve) throw new Error('no such handler');
      return (event, context) => {
        events.push(event);
        return harness.behaviour(event, context);
      };
    },
    registry,
    allowedOrigins: ORIGINS,
    log: (line) => logLines.push(line),
    now: () => Date.now() + harness.clockOffsetMs,
    ...options,
  });
  const server = await listen((req, res) => void gateway.handle(req, res));
  return Object.assign(harness, {
    ...server,
    port: Number(new URL(server.url).port),
    credentials: issue(),
    issue,
    events,
    logLines,
  });
}
