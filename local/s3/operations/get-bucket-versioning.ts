import type { S3Request } from '../http/request';
import { sendXml } from '../http/responses';

/** GetBucketVersioning: Enabled, Suspended, or no Status for a bucket never versioned. */
export function getBucketVersioning(request: S3Request): void {
  const status = request.storage.bucket(request.bucket).objects.versioning;
  sendXml(request.res, 200, 'VersioningConfiguration', { Status: status });
}
