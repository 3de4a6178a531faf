import { notImplemented } from '../errors';
import type { S3Request } from '../http/request';
import { isoTime, OWNER, sendXml } from '../http/responses';
import { uploadsOf } from './multipart-upload';

/** ListMultipartUploads with a prefix (no markers: every upload in one page). */
export async function listMultipartUploads(request: S3Request): Promise<void> {
  const prefix = request.query.get('prefix') ?? '';
  if (request.query.has('key-marker') || request.query.has('delimiter')) {
    throw notImplemented('key-marker and delimiter on ListMultipartUploads');
  }
  const uploads = (await uploadsOf(request).list()).filter((upload) => upload.key.startsWith(prefix));
  sendXml(request.res, 200, 'ListMultipartUploadsResult', {
    Bucket: request.bucket,
    Prefix: prefix,
    MaxUploads: 1000,
    IsTruncated: false,
    Upload: uploads.map((upload) => ({
      Key: upload.key,
      UploadId: upload.uploadId,
      Initiator: OWNER,
      Owner: OWNER,
      StorageClass: 'STANDARD',
      Initiated: isoTime(upload.initiated),
    })),
  });
}
