import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CreateTableCommand, DynamoDBClient, waitUntilTableExists } from '@aws-sdk/client-dynamodb';
import { USAGE_TABLE_KEY_SCHEMA } from '../handlers/lib/quotas/table';
import { refuseForeignHost } from '../local/loopback-host';

/**
 * dynalite, an npm implementation of DynamoDB's API, on 127.0.0.1: what the tests and `npm start` use for
 * the usage table. It answers conditional PutItem/UpdateItem/DeleteItem like DynamoDB, which is all the
 * quota bookkeeping needs (it has no TransactWriteItems, which the bookkeeping therefore avoids).
 */
export interface LocalDynamoDb {
  /** `http://127.0.0.1:port`, for DynamoDBClient's endpoint (or AWS_ENDPOINT_URL_DYNAMODB). */
  readonly endpoint: string;
  readonly tableName: string;
  readonly client: DynamoDBClient;
  stop(): Promise<void>;
}

interface DynaliteServer extends Pick<Server, 'listeners' | 'removeAllListeners' | 'on'> {
  listen(port: number, host: string, callback: (error?: Error) => void): void;
  address(): AddressInfo;
  close(callback: (error?: Error) => void): void;
}

const REGION = 'eu-west-1';

/**
 * Starts dynalite on a free port with the usage table created. With `path` its LevelDB store lives
 * there and survives a restart; without, it is in memory.
 */
export async function startDynamoDb(
  options: { path?: string; tableName?: string } = {},
): Promise<LocalDynamoDb> {
  const dynalite = require('dynalite') as (options: object) => DynaliteServer;
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0, path: options.path });
  // Like every local server, answers only to 127.0.0.1 or localhost (local/loopback-host.ts).
  const [answer] = server.listeners('request') as ((req: IncomingMessage, res: ServerResponse) => void)[];
  server.removeAllListeners('request');
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    if (!refuseForeignHost(req, res)) answer(req, res);
  });
  await new Promise<void>((resolve, reject) =>
    server.listen(0, '127.0.0.1', (error) => (error ? reject(error) : resolve())),
  );
  const endpoint = `http://127.0.0.1:${server.address().port}`;
  const tableName = options.tableName ?? 'lockbox-usage';
  const client = new DynamoDBClient({
    endpoint,
    region: REGION,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  try {
    await client.send(
      new CreateTableCommand({
        TableName: tableName,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [...USAGE_TABLE_KEY_SCHEMA.AttributeDefinitions],
        KeySchema: [...USAGE_TABLE_KEY_SCHEMA.KeySchema],
      }),
    );
    await waitUntilTableExists({ client, maxWaitTime: 10, minDelay: 1 }, { TableName: tableName });
  } catch (error) {
    // A persistent store keeps the table from the last run.
    if ((error as Error).name !== 'ResourceInUseException') throw error;
  }
  return {
    endpoint,
    tableName,
    client,
    stop: async () => {
      client.destroy();
      await new Promise<void>((resolve, reject) =>
        server.close((error) => (error ? reject(error) : resolve())),
      );
    },
  };
}
