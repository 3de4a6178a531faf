import type { S3Client } from '@aws-sdk/client-s3';
import { listFromEnv, stringFromEnv } from './env';
import type { HttpOptions } from './http';
import { createS3Client } from './s3-client';

/** What a handler needs from the outside world; tests hand in their own. */
export interface HandlerDeps {
  readonly s3: S3Client;
  readonly bucket: string;
  readonly http: HttpOptions;
}

/** Read once per cold start, so a missing setting fails the function's init, not a user's request. */
export function depsFromEnv(): HandlerDeps {
  return {
    s3: createS3Client(),
    bucket: stringFromEnv('BUCKET_NAME'),
    http: { allowedOrigins: listFromEnv('ALLOWED_ORIGINS') },
  };
}
