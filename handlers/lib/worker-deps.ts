import type { S3Client } from '@aws-sdk/client-s3';
import { stringFromEnv } from './env';
import { createS3Client } from './s3-client';

/** What a function outside the API (the zip worker, its failure handler) needs; tests hand in their own. */
export interface WorkerDeps {
  readonly s3: S3Client;
  readonly bucket: string;
  /** Where the one JSON log line per job goes. @default console.log */
  readonly log?: (line: string) => void;
}

/** Read once per cold start, so a missing setting fails the function's init, not a job. */
export function workerDepsFromEnv(): WorkerDeps {
  return { s3: createS3Client(), bucket: stringFromEnv('BUCKET_NAME') };
}
