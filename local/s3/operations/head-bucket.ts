import type { S3Request } from '../http/request';
import { sendEmpty } from '../http/responses';

/** HeadBucket: 200 when the bucket exists, NoSuchBucket otherwise. */
export function headBucket(request: S3Request): void {
  request.storage.bucket(request.bucket);
  sendEmpty(request.res, 200);
}
