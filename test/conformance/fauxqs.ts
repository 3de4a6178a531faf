import { CreateBucketCommand, type S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';
import { BUCKET, testClients } from '../../devtools/local-s3';

/** The part of devtools/local-s3.ts's S3Server the conformance suite uses, on either server. */
export interface ConformanceServer {
  readonly endpoint: string;
  readonly bucket: string;
  readonly client: S3Client;
  newClient(config?: S3ClientConfig): S3Client;
  stop(): Promise<void>;
}

/**
 * fauxqs, the independent S3 of the conformance suite (and only of it), in-process on 127.0.0.1 with
 * the same bucket, region and key pair as local/s3. It needs Node >= 22.5 and exports only ESM.
 */
export async function startFauxqs(): Promise<ConformanceServer> {
  const { startFauxqs: start } = await import('fauxqs');
  const server = await start({ port: 0, host: '127.0.0.1', logger: false });
  const endpoint = `http://127.0.0.1:${server.port}`;
  const clients = testClients(endpoint);
  const client = clients.newClient();
  await client.send(new CreateBucketCommand({ Bucket: BUCKET }));
  return {
    endpoint,
    bucket: BUCKET,
    client,
    newClient: clients.newClient,
    async stop() {
      clients.destroyAll();
      await server.stop();
    },
  };
}
