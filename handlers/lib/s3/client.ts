import { S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';

/**
 * The S3 client every handler uses. The SDK itself reads the standard settings (AWS_REGION,
 * AWS_ENDPOINT_URL_S3, the credential chain, AWS_REQUEST_CHECKSUM_CALCULATION); local servers
 * also need path-style addressing, which S3_FORCE_PATH_STYLE=true turns on. `config` adds settings that
 * one use needs, e.g. the presigner's checksum mode.
 */
export function createS3Client(config: S3ClientConfig = {}): S3Client {
  return new S3Client({ forcePathStyle: process.env.S3_FORCE_PATH_STYLE === 'true', ...config });
}
