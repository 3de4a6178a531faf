import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { S3Client, type S3ClientConfig, S3ServiceException } from '@aws-sdk/client-s3';
import { type LocalS3, type LocalS3Options, startLocalS3 } from '../../local/s3';
import type { SigningCredentials } from '../../local/sigv4/verify';

export const REGION = 'eu-west-1';
export const BUCKET = 'lockbox-test';
export const ORIGIN = 'http://localhost:5173';
export const CREDENTIALS: SigningCredentials = {
  accessKeyId: 'AKIALOCALTEST',
  secretAccessKey: 'local-secret',
};

/** The embedded S3 on 127.0.0.1 (a free port) in a fresh temp folder, with one bucket and one key pair. */
export interface LocalS3Fixture {
  readonly s3: LocalS3;
  readonly dataDir: string;
  client(config?: S3ClientConfig): S3Client;
  /** Starts the server again on the same data folder. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

export async function startLocalS3Fixture(overrides: Partial<LocalS3Options> = {}): Promise<LocalS3Fixture> {
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
  const clients: S3Client[] = [];
  const fixture = {
    s3: await startLocalS3(options),
    dataDir,
    client(config: S3ClientConfig = {}) {
      const client = new S3Client({
        endpoint: fixture.s3.endpoint,
        region: REGION,
        forcePathStyle: true,
        credentials: CREDENTIALS,
        ...config,
      });
      clients.push(client);
      return client;
    },
    async restart() {
      await fixture.s3.stop();
      fixture.s3 = await startLocalS3(options);
    },
    async stop() {
      for (const client of clients) client.destroy();
      await fixture.s3.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
  return fixture;
}

/** "<status> <S3 error code>" of the S3 error that `promise` rejects with. */
export async function s3Code(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof S3ServiceException) return `${error.$metadata.httpStatusCode} ${error.name}`;
    throw error;
  }
  throw new Error('expected an S3 error');
}
