import type { S3Request } from '../http/request';
import { isoTime, OWNER, sendXml } from '../http/responses';
import type { PartMeta, UploadMeta } from '../store/upload-store';
import { uploadIdOf, uploadsOf } from './multipart-upload';

/** ListParts: the upload's parts by number, paged by part-number-marker and max-parts. */
export async function listParts(request: S3Request): Promise<void> {
  const uploads = uploadsOf(request);
  const uploadId = uploadIdOf(request);
  const upload = await uploads.read(uploadId, request.key);
  const marker = Number(request.query.get('part-number-marker') ?? 0) || 0;
  const maxParts = Math.min(Number(request.query.get('max-parts') ?? 1000) || 1000, 1000);
  const after = (await uploads.parts(uploadId)).filter((part) => part.partNumber > marker);
  const page = after.slice(0, maxParts);
  const truncated = after.length > page.length;
  sendXml(request.res, 200, 'ListPartsResult', {
    Bucket: request.bucket,
    Key: request.key,
    UploadId: uploadId,
    PartNumberMarker: marker,
    NextPartNumberMarker: page.at(-1)?.partNumber ?? marker,
    MaxParts: maxParts,
    IsTruncated: truncated,
    Initiator: OWNER,
    Owner: OWNER,
    StorageClass: 'STANDARD',
    ChecksumAlgorithm: upload.checksumAlgorithm,
    Part: page.map((part) => ({
      PartNumber: part.partNumber,
      LastModified: isoTime(part.lastModified),
      ETag: part.etag,
      Size: part.size,
      ...checksumFields(upload, part),
    })),
  });
}

function checksumFields(upload: UploadMeta, part: PartMeta): Record<string, string> {
  const algorithm = upload.checksumAlgorithm;
  const value = algorithm && part.checksums[algorithm];
  return value ? { [`Checksum${algorithm}`]: value } : {};
}
