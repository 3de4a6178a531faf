import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AdminCreateUserCommand,
  AdminSetUserPasswordCommand,
  CognitoIdentityProviderClient,
} from '@aws-sdk/client-cognito-identity-provider';
import { createUserPool, type UserPool, type UserPoolOptions } from '../../local/user-pool/user-pool';

export const REGION = 'eu-west-1';
export const POOL_ID = 'eu-west-1_LocalTest01';
export const CLIENT_ID = 'localclient0123456789abcdef';
export const ADMIN = { accessKeyId: 'AKIALOCALADMIN000001', secretAccessKey: 'local-admin-secret-for-tests' };

/** The user pool stand-in behind a real node:http server on 127.0.0.1, as `npm start` mounts it. */
export interface TestUserPool {
  readonly pool: UserPool;
  /** The Cognito endpoint: `http://127.0.0.1:<port>/cognito-idp`. */
  readonly endpoint: string;
  readonly dataDir: string;
  /** Every line the pool logged. */
  readonly logs: string[];
  /** An SDK client with the admin credentials. */
  readonly admin: CognitoIdentityProviderClient;
  /** Creates a confirmed user (AdminCreateUser, then a permanent password) and returns its username. */
  createConfirmedUser(email: string, password: string): Promise<string>;
  /** Starts a second pool on the same data folder, as a restart does. */
  restart(): Promise<TestUserPool>;
  stop(): Promise<void>;
}

export async function startUserPool(
  overrides: Partial<UserPoolOptions> = {},
  dataDir?: string,
): Promise<TestUserPool> {
  const dir = dataDir ?? (await mkdtemp(join(tmpdir(), 'lockbox-user-pool-')));
  const logs: string[] = [];
  const pool = await createUserPool({
    region: REGION,
    poolId: POOL_ID,
    clientId: CLIENT_ID,
    dataDir: dir,
    adminCredentials: ADMIN,
    log: (line) => logs.push(line),
    ...overrides,
  });
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => void pool.handle(req, Buffer.concat(chunks), res));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}/cognito-idp`;
  const admin = new CognitoIdentityProviderClient({ endpoint, region: REGION, credentials: ADMIN });
  const stopServer = async () => {
    admin.destroy();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  return {
    pool,
    endpoint,
    dataDir: dir,
    logs,
    admin,
    async createConfirmedUser(email, password) {
      const created = await admin.send(
        new AdminCreateUserCommand({
          UserPoolId: POOL_ID,
          Username: email,
          MessageAction: 'SUPPRESS',
          UserAttributes: [{ Name: 'email_verified', Value: 'true' }],
        }),
      );
      await admin.send(
        new AdminSetUserPasswordCommand({
          UserPoolId: POOL_ID,
          Username: email,
          Password: password,
          Permanent: true,
        }),
      );
      return created.User?.Username ?? '';
    },
    async restart() {
      await stopServer();
      return startUserPool(overrides, dir);
    },
    async stop() {
      await stopServer();
      if (dataDir === undefined) await rm(dir, { recursive: true, force: true });
    },
  };
}

/** A raw JSON 1.1 call, for what the client libraries cannot send. */
export async function callRaw(
  endpoint: string,
  operation: string,
  body: unknown,
): Promise<{ status: number; headers: Headers; json: Record<string, unknown> }> {
  const response = await fetch(endpoint, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/x-amz-json-1.1',
      'X-Amz-Target': `AWSCognitoIdentityProviderService.${operation}`,
    },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return {
    status: response.status,
    headers: response.headers,
    json: (await response.json()) as Record<string, unknown>,
  };
}

/** The refusal of an SDK call (name, message, HTTP status); fails the test when the call succeeds. */
export async function sdkRefusal(
  promise: Promise<unknown>,
): Promise<{ name: string; message: string; status?: number }> {
  try {
    await promise;
  } catch (error) {
    const e = error as Error & { $metadata?: { httpStatusCode?: number } };
    return { name: e.name, message: e.message, status: e.$metadata?.httpStatusCode };
  }
  throw new Error('expected the call to be refused');
}
