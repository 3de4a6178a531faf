import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { S3Event } from 'aws-lambda';
import type { S3Server } from '../../devtools/local-s3';
import { createZip } from '../../handlers/create-zip';
import { getZip } from '../../handlers/get-zip';
import type { ZipLimits } from '../../handlers/lib/zip-jobs/limits';
import type { ZipCaps } from '../../handlers/lib/zip-jobs/slots';
import { listZips } from '../../handlers/list-zips';
import { callRoute } from './call';
import { IDENTITY_POOL_ID } from './events';

/** An S3 ObjectCreated notification for one key, encoded as S3 encodes keys in events ("+" for a space). */
export function s3Event(bucket: string, key: string, eventName = 'ObjectCreated:Put'): S3Event {
  const encoded = encodeURIComponent(key).replace(/%2F/g, '/').replace(/%20/g, '+');
  return {
    Records: [
      {
        eventName,
        s3: { bucket: { name: bucket }, object: { key: encoded, size: 1, eTag: 'x' } },
      } as S3Event['Records'][number],
    ],
  };
}

/** A Lambda context with this much time left. */
export function workerContext(remainingMs = 600_000) {
  return { awsRequestId: 'test-worker-request', getRemainingTimeInMillis: () => remainingMs };
}

export const quiet = {
  allowedOrigins: ['http://localhost:5173'],
  identityPoolId: IDENTITY_POOL_ID,
  log: () => {},
};

/** The zip routes on a test server, and shortcuts that call them as a given user. */
export function zipApi(
  s3: S3Server,
  limits: ZipLimits = { maxFiles: 100, maxBytes: 1024 * 1024 },
  caps?: ZipCaps,
) {
  const deps = { s3: s3.client, s3ForCaller: () => s3.client, bucket: s3.bucket, http: quiet };
  const create = createZip(deps, limits, caps);
  const get = getZip(deps);
  const list = listZips(deps);
  return {
    /** POST /zips; `idempotencyKey` sends that header. */
    create: (identityId: string, body: object | string, idempotencyKey?: string) =>
      callRoute('POST /zips', create, identityId, {
        body,
        headers: idempotencyKey === undefined ? {} : { 'Idempotency-Key': idempotencyKey },
      }),
    get: (identityId: string, id: string) =>
      callRoute('GET /zips/{id}', get, identityId, { path: `/zips/${id}`, pathParameters: { id } }),
    list: (identityId: string, query: Record<string, string> = {}) =>
      callRoute('GET /zips', list, identityId, { query }),
  };
}

/** An object's bytes as text, e.g. a job's JSON record. */
export async function getText(client: S3Client, bucket: string, key: string): Promise<string> {
  const object = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return (await object.Body?.transformToString('utf8')) ?? '';
}
