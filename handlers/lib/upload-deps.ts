import type { S3Client } from '@aws-sdk/client-s3';
import { depsFromEnv, type HandlerDeps } from './deps';
import { createS3Client } from './s3-client';
import { type UploadLimits, uploadLimitsFromEnv } from './upload-limits';

/** What POST /uploads needs beyond the common deps. */
export interface UploadDeps extends HandlerDeps {
  /**
   * Signs the upload URLs. It must not add checksums (requestChecksumCalculation 'WHEN_REQUIRED'):
   * with the SDK's default, every URL would carry the CRC32 of an empty body.
   */
  readonly presigner: S3Client;
  readonly limits: UploadLimits;
}

export function uploadDepsFromEnv(): UploadDeps {
  return {
    ...depsFromEnv(),
    presigner: createS3Client({ requestChecksumCalculation: 'WHEN_REQUIRED' }),
    limits: uploadLimitsFromEnv(),
  };
}
