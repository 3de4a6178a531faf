import type { S3Request } from '../http/request';
import { sendEmpty } from '../http/responses';
import { uploadIdOf, uploadsOf } from './multipart-upload';

/** AbortMultipartUpload: the upload and its parts go; a later UploadPart is NoSuchUpload. */
export async function abortMultipartUpload(request: S3Request): Promise<void> {
  const uploads = uploadsOf(request);
  await uploads.withUpload(uploadIdOf(request), request.key, (upload) => uploads.remove(upload.uploadId));
  sendEmpty(request.res, 204);
}
