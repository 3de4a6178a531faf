import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';
import { type LocalS3, type LocalS3Options, startLocalS3 } from '../local/s3';
import type { SigningCredentials } from '../local/sigv4/verify';

/**
 * The one S3 of the tests and the zip benchmark: local/s3 (local mode's own) on 127.0.0.1, which checks
 * signatures and presigned URLs and implements conditional writes, versions, copies and multipart as S3
 * does. Lives in devtools/ (no test framework) so that `scripts/` never imports from `test/`.
 */

export const REGION = 'eu-west-1';
export const BUCKET = 'lockbox-test';
/** The browser origin the server's CORS allows (the tests' ORIGIN). */
export const ORIGIN = 'http://localhost:5173';
export const CREDENTIALS: SigningCredentials = {
  accessKeyId: 'AKIALOCALTEST',
  secretAccessKey: 'local-secret',
};

/** A running local/s3 in a fresh temp folder, with one bucket and one key pair. */
export interface S3Server {
  readonly endpoint: string;
  readonly bucket: string;
  /** Where the server keeps its objects (removed by stop). */
  readonly dataDir: string;
  /** A client signing with CREDENTIALS. */
  readonly client: S3Client;
  /** Another client on the same server, e.g. with other checksum or credential settings. */
  newClient(config?: S3ClientConfig): S3Client;
  /** Stops the server and starts it again on the same port and data folder, as after a crash. */
  restart(): Promise<void>;
  /** Runs the buckets' lifecycle rules now, or as of `now` (local/s3's expireNow). */
  expireNow(now?: number): ReturnType<LocalS3['expireNow']>;
  stop(): Promise<void>;
}

/** Starts local/s3 on a free port; `overrides` change its options (e.g. versionedBuckets, lookup). */
export async function startS3Server(overrides: Partial<LocalS3Options> = {}): Promise<S3Server> {
  const dataDir = await mkdtemp(join(tmpdir(), 'lockbox-local-s3-'));
  const options: LocalS3Options = {
    port: 0,
    dataDir,
    region: REGION,
    buckets: [BUCKET],
    lookup: (accessKeyId) => (accessKeyId === CREDENTIALS.accessKeyId ? CREDENTIALS : undefined),
    allowedOrigins: [ORIGIN],
    ...overrides,
  };
  let server: LocalS3 = await startLocalS3(options);
  const { endpoint } = server;
  const clients = testClients(endpoint);
  return {
    endpoint,
    bucket: BUCKET,
    dataDir,
    client: clients.newClient(),
    newClient: clients.newClient,
    expireNow: (now) => server.expireNow(now),
    async restart() {
      await server.stop();
      server = await startLocalS3({ ...options, port: Number(new URL(endpoint).port) });
    },
    async stop() {
      clients.destroyAll();
      await server.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** Path-style clients of a test server at `endpoint`, signing with CREDENTIALS; destroyAll ends them all. */
export function testClients(endpoint: string) {
  const clients: S3Client[] = [];
  return {
    newClient(config: S3ClientConfig = {}): S3Client {
      const client = new S3Client({
        endpoint,
        region: REGION,
        forcePathStyle: true,
        credentials: CREDENTIALS,
        ...config,
      });
      clients.push(client);
      return client;
    },
    destroyAll(): void {
      for (const client of clients) client.destroy();
    },
  };
}
