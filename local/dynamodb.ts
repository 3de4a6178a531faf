import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CreateTableCommand, DynamoDBClient, waitUntilTableExists } from '@aws-sdk/client-dynamodb';
import { USAGE_TABLE_KEY_SCHEMA } from '../contract/usage-table';
import { FULL_DISK_MESSAGE } from './full-disk';
import { refuseForeignHost } from './loopback-host';

/**
 * The usage table's DynamoDB on 127.0.0.1, for `npm start` and the tests: dynalite, an npm implementation
 * of DynamoDB's API. It answers conditional PutItem/UpdateItem/DeleteItem like DynamoDB, which is all the
 * quota bookkeeping needs (it has no TransactWriteItems, which the bookkeeping therefore avoids).
 */
export interface LocalDynamoDb {
  /** `http://127.0.0.1:port`, for DynamoDBClient's endpoint (or AWS_ENDPOINT_URL_DYNAMODB). */
  readonly endpoint: string;
  readonly tableName: string;
  readonly client: DynamoDBClient;
  stop(): Promise<void>;
}

/** dynalite's server is Node's http.Server; these are the members used here. */
type LocalServer = Pick<
  Server,
  'listeners' | 'removeAllListeners' | 'on' | 'listen' | 'address' | 'close' | 'closeAllConnections'
>;

/**
 * Starts dynalite on a free port with the usage table created. With `path` its LevelDB store lives
 * there and survives a restart; without, it is in memory.
 */
export async function startDynamoDb(
  options: { path?: string; tableName?: string } = {},
): Promise<LocalDynamoDb> {
  const dynalite = require('dynalite') as (options: object) => LocalServer;
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0, path: options.path });
  // Like every local server, answers only to 127.0.0.1 or localhost (local/loopback-host.ts).
  const [answer] = server.listeners('request') as ((req: IncomingMessage, res: ServerResponse) => void)[];
  server.removeAllListeners('request');
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    if (!refuseForeignHost(req, res)) answer(req, res);
  });
  // Stops only once its requests are answered: dynalite closes its store when the server closes.
  const table = await serve(server, options.tableName ?? 'lockbox-usage', { dropConnections: false });
  try {
    await table.client.send(
      new CreateTableCommand({
        TableName: table.tableName,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [...USAGE_TABLE_KEY_SCHEMA.AttributeDefinitions],
        KeySchema: [...USAGE_TABLE_KEY_SCHEMA.KeySchema],
      }),
    );
    await waitUntilTableExists(
      { client: table.client, maxWaitTime: 10, minDelay: 1 },
      { TableName: table.tableName },
    );
  } catch (error) {
    // A persistent store keeps the table from the last run.
    if ((error as Error).name !== 'ResourceInUseException') throw error;
  }
  return table;
}

/**
 * The usage table when its store cannot open (LevelDB writes on open, which a full disk refuses): an
 * endpoint that answers every DynamoDB call 503 ServiceUnavailable, so that the local system still
 * starts and serves what needs no table (listing and reading files); the quota routes answer errors
 * until a start with free space.
 */
export function unavailableUsageTable(tableName: string): Promise<LocalDynamoDb> {
  const server = createServer((req, res) => {
    req.resume();
    const body = JSON.stringify({
      __type: 'com.amazonaws.dynamodb.v20120810#ServiceUnavailableException',
      message: FULL_DISK_MESSAGE,
    });
    res.writeHead(503, {
      'Content-Type': 'application/x-amz-json-1.0',
      'Content-Length': Buffer.byteLength(body),
    });
    res.end(body);
  });
  // Its answers are instant, so nothing is lost by dropping its connections, kept alive or not.
  return serve(server, tableName, { dropConnections: true });
}

/**
 * `server` listening on a free port of 127.0.0.1, with a client for it. Stop closes both; with
 * `dropConnections`, also the connections other clients (the handlers') still hold.
 */
async function serve(
  server: LocalServer,
  tableName: string,
  options: { readonly dropConnections: boolean },
): Promise<LocalDynamoDb> {
  await new Promise<void>((resolve, reject) => {
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const client = new DynamoDBClient({
    endpoint,
    region: 'eu-west-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  return {
    endpoint,
    tableName,
    client,
    stop: async () => {
      client.destroy();
      await new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        if (options.dropConnections) server.closeAllConnections();
      });
    },
  };
}
