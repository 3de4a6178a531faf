import type { S3ClientConfig } from '@aws-sdk/client-s3';
import { MIN_PART_BYTES } from '../../contract/s3-limits';
import type { S3Server } from '../../devtools/local-s3';
import type { UploadLimits } from '../../handlers/lib/uploads/upload-limits';
import type { UploadDeps } from '../../handlers/lib/wiring/deps';
import { IDENTITY_POOL_ID, ORIGIN } from './events';

/** Small limits so tests move a few MiB: 5 MiB is S3's smallest part and the smallest threshold. */
export const TEST_LIMITS: UploadLimits = {
  multipartThresholdBytes: MIN_PART_BYTES,
  partBytes: MIN_PART_BYTES,
  maxFileBytes: 4 * MIN_PART_BYTES,
};

/** Upload deps on a test server; `client` overrides e.g. the endpoint (a proxy in front of the server). */
export function uploadDeps(s3: S3Server, client: S3ClientConfig = {}): UploadDeps {
  const files = s3.newClient(client);
  const presigner = s3.newClient({ ...client, requestChecksumCalculation: 'WHEN_REQUIRED' });
  return {
    s3: files,
    s3ForCaller: () => files,
    presignerForCaller: () => presigner,
    bucket: s3.bucket,
    http: { allowedOrigins: [ORIGIN], identityPoolId: IDENTITY_POOL_ID, log: () => {} },
  };
}

/** Deterministic test bytes: a counter pattern, so a shifted or swapped part shows. */
export function testBytes(size: number, seed = 0): Buffer {
  const bytes = Buffer.alloc(size);
  for (let i = 0; i < size; i++) bytes[i] = (i * 31 + seed) & 0xff;
  return bytes;
}

export interface PartUrl {
  readonly partNumber: number;
  readonly url: string;
}

/** PUTs each part's slice of `bytes` with plain fetch, as a browser would; returns what complete needs. */
export async function putParts(
  parts: readonly PartUrl[],
  partSize: number,
  bytes: Buffer,
): Promise<{ partNumber: number; etag: string }[]> {
  const done = [];
  for (const { partNumber, url } of parts) {
    const slice = bytes.subarray((partNumber - 1) * partSize, partNumber * partSize);
    const res = await fetch(url, { method: 'PUT', body: slice });
    if (res.status !== 200) throw new Error(`part ${partNumber}: HTTP ${res.status} ${await res.text()}`);
    done.push({ partNumber, etag: res.headers.get('etag') ?? '' });
  }
  return done;
}
