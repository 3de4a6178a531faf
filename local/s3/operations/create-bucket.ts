import type { S3Request } from '../http/request';
import { sendEmpty } from '../http/responses';

/** CreateBucket: creates it, or answers as S3 does when it already exists and is the caller's. */
export async function createBucket(request: S3Request): Promise<void> {
  await request.storage.createBucket(request.bucket);
  sendEmpty(request.res, 200, { Location: `/${request.bucket}` });
}
