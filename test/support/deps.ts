import type { S3Client } from '@aws-sdk/client-s3';
import type { S3Server } from '../../devtools/local-s3';
import type { CallerDeps } from '../../handlers/lib/wiring/deps';
import type { LogSink } from '../../handlers/lib/wiring/log-line';
import { IDENTITY_POOL_ID, ORIGIN } from './events';

/**
 * Handler deps pointed at a test server, with the request log kept out of the test output (or handed to `log`). The caller's
 * client is `client` itself (no folder-scoped session): test/local/scoped-credentials.test.ts proves the
 * scoping on a server that enforces it.
 */
export function testDeps(s3: S3Server, client: S3Client = s3.client, log: LogSink = () => {}): CallerDeps {
  return {
    s3: client,
    s3ForCaller: () => client,
    bucket: s3.bucket,
    http: { allowedOrigins: [ORIGIN], identityPoolId: IDENTITY_POOL_ID, log },
  };
}
