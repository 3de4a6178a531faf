import { MAX_UPLOAD_SIZE, receiveToFile } from '../http/receive';
import type { S3Request } from '../http/request';
import { sendEmpty } from '../http/responses';
import { partNumberOf, uploadIdOf, uploadsOf } from './multipart-upload';

/**
 * UploadPart: the part streams to a temp file, then joins the upload (if it still exists for this key).
 * With x-amz-copy-source it is UploadPartCopy (upload-part-copy.ts).
 */
export async function uploadPart(request: S3Request): Promise<void> {
  const partNumber = partNumberOf(request.query.get('partNumber'));
  const uploads = uploadsOf(request);
  const uploadId = uploadIdOf(request);
  await uploads.read(uploadId, request.key);
  const { path, payload } = await receiveToFile(request, MAX_UPLOAD_SIZE);
  const etag = `"${payload.md5.toString('hex')}"`;
  await uploads.putPart(uploadId, request.key, path, {
    partNumber,
    size: payload.size,
    etag,
    lastModified: Date.now(),
    checksums: payload.checksums,
  });
  const checksum = request.payload.checksum;
  const checksumHeader = checksum
    ? { [`x-amz-checksum-${checksum.algorithm.toLowerCase()}`]: payload.checksums[checksum.algorithm] }
    : {};
  sendEmpty(request.res, 200, { ETag: etag, ...checksumHeader });
}
