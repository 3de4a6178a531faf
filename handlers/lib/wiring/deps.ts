import type { S3Client } from '@aws-sdk/client-s3';
import { ALLOWED_ORIGINS, BUCKET_NAME, IDENTITY_POOL_ID } from '../../settings';
import { callerRecorder } from '../http/caller-record';
import type { HttpOptions } from '../http/handler';
import { isIdentityId } from '../http/identity';
import { createS3Client } from '../s3/client';
import { readList, readText } from './env';

/**
 * What a function needs from the outside world, built once per cold start from the settings table, so
 * that a missing setting fails the function's init, not a request or a job. Tests hand in their own.
 * Limits are not deps: a handler that has some takes them as its factory's second argument.
 */

/** A function outside the API (the zip worker, its failure handler). */
export interface WorkerDeps {
  readonly s3: S3Client;
  readonly bucket: string;
  /** Where the one JSON log line per job goes. @default console.log */
  readonly log?: (line: string) => void;
}

/** A route's handler. */
export interface HandlerDeps {
  readonly s3: S3Client;
  readonly bucket: string;
  readonly http: HttpOptions;
}

/** POST /uploads, which also signs upload URLs. */
export interface UploadDeps extends HandlerDeps {
  /**
   * Signs the upload URLs. It must not add checksums (requestChecksumCalculation 'WHEN_REQUIRED'):
   * with the SDK's default, every URL would carry the CRC32 of an empty body.
   */
  readonly presigner: S3Client;
}

export function workerDepsFromEnv(): WorkerDeps {
  return { s3: createS3Client(), bucket: readText(BUCKET_NAME) };
}

export function depsFromEnv(): HandlerDeps {
  const s3 = createS3Client();
  const bucket = readText(BUCKET_NAME);
  return {
    s3,
    bucket,
    http: {
      allowedOrigins: readList(ALLOWED_ORIGINS),
      identityPoolId: readIdentityPoolId(),
      recordCaller: callerRecorder(s3, bucket),
    },
  };
}

/** An identity pool id has an identity id's shape, `<region>:<uuid>`; anything else fails the init. */
function readIdentityPoolId(): string {
  const id = readText(IDENTITY_POOL_ID);
  if (!isIdentityId(id)) throw new Error(`${IDENTITY_POOL_ID.variable} is not an identity pool id: "${id}"`);
  return id;
}

export function uploadDepsFromEnv(): UploadDeps {
  return { ...depsFromEnv(), presigner: createS3Client({ requestChecksumCalculation: 'WHEN_REQUIRED' }) };
}
