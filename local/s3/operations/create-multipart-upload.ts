import { invalidArgument, notImplemented } from '../errors';
import { objectAttributes } from '../http/object-headers';
import { headerOf, type S3Request } from '../http/request';
import { sendXml } from '../http/responses';
import { CHECKSUM_ALGORITHMS, type ChecksumAlgorithm, type ChecksumType } from '../store/checksums';
import { uploadsOf } from './multipart-upload';

/** CreateMultipartUpload: fixes the object's type, headers, metadata and checksum algorithm and type. */
export async function createMultipartUpload(request: S3Request): Promise<void> {
  const requested = headerOf(request, 'x-amz-checksum-algorithm')?.toUpperCase();
  const checksumAlgorithm = CHECKSUM_ALGORITHMS.find((algorithm) => algorithm === requested);
  if (requested && !checksumAlgorithm) throw notImplemented(`x-amz-checksum-algorithm ${requested}`);
  const upload = await uploadsOf(request).create({
    key: request.key,
    ...objectAttributes(request),
    checksumAlgorithm,
    checksumType: checksumAlgorithm && checksumTypeOf(request, checksumAlgorithm),
  });
  sendXml(request.res, 200, 'InitiateMultipartUploadResult', {
    Bucket: request.bucket,
    Key: request.key,
    UploadId: upload.uploadId,
  });
}

/** x-amz-checksum-type: FULL_OBJECT for the CRCs only; S3 makes every other upload COMPOSITE. */
function checksumTypeOf(request: S3Request, algorithm: ChecksumAlgorithm): ChecksumType {
  const type = headerOf(request, 'x-amz-checksum-type')?.toUpperCase() ?? 'COMPOSITE';
  if (type === 'COMPOSITE') return type;
  if (type === 'FULL_OBJECT' && algorithm.startsWith('CRC')) return type;
  throw invalidArgument('Value for x-amz-checksum-type header is invalid.', 'x-amz-checksum-type', type);
}
