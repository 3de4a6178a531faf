import type { S3Client } from '@aws-sdk/client-s3';
import type { S3Server } from '../../devtools/s3-servers';
import type { HandlerDeps } from '../../handlers/lib/wiring/deps';
import { IDENTITY_POOL_ID, ORIGIN } from './events';

/** Handler deps pointed at a test server, with the request log kept out of the test output. */
export function testDeps(s3: S3Server, client: S3Client = s3.client): HandlerDeps {
  return {
    s3: client,
    bucket: s3.bucket,
    http: { allowedOrigins: [ORIGIN], identityPoolId: IDENTITY_POOL_ID, log: () => {} },
  };
}
