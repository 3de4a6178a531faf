import { S3Client } from '@aws-sdk/client-s3';
import { CREDENTIALS, REGION } from '../devtools/local-s3';

/**
 * local: local/s3, the embedded server of local mode (on disk; UploadPartCopy and stored CRC-32s); aws:
 * real S3, a scratch bucket (scripts/bench-zip-aws.ts).
 */
export type BenchServer = 'local' | 'aws';

/** What every process of the zip benchmark needs to reach the same objects. */
export interface BenchTarget {
  readonly server: BenchServer;
  readonly endpoint: string;
  readonly bucket: string;
}

/** A client with the SDK's default settings, as the Lambda has, plus what a local server needs. */
export function benchClient({ server, endpoint }: BenchTarget): S3Client {
  if (server === 'aws') return new S3Client({});
  return new S3Client({ endpoint, region: REGION, forcePathStyle: true, credentials: CREDENTIALS });
}

/** The benchmark's source objects: bench/00000.bin, bench/00001.bin…, or bench/00000.csv… with --text. */
export function sourceKey(index: number, text = false): string {
  return `bench/${String(index).padStart(5, '0')}.${text ? 'csv' : 'bin'}`;
}
