import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { LocalDynamoDb } from '../devtools/dynamodb';
import { FULL_DISK_MESSAGE } from './full-disk';

/**
 * The usage table when its store cannot open (LevelDB writes on open, which a full disk refuses): an
 * endpoint that answers every DynamoDB call 503 ServiceUnavailable, so that the local system still
 * starts and serves what needs no table (listing and reading files); the quota routes answer errors
 * until a start with free space.
 */
export async function unavailableUsageTable(tableName: string): Promise<LocalDynamoDb> {
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
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
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
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
