import { ListPartsCommand, type S3Client } from '@aws-sdk/client-s3';
import { MAX_PARTS } from '../../../contract/s3-limits';
import type { ObjectKey } from '../files/keys';
import { unquoteEtag } from '../s3/etag';
import { multipartError } from './upload-errors';

export interface UploadedPart {
  readonly partNumber: number;
  readonly size: number;
  /** S3's ETag of the part, unquoted: what POST /uploads/complete takes back. */
  readonly etag: string;
}

/** The most parts one ListParts page returns. */
const PARTS_PER_PAGE = 1000;

/**
 * The parts S3 holds of the multipart upload `uploadId` of `key`, in ascending order. S3 binds an upload
 * id to its key, so another key's upload (another user's included), or a completed or aborted one, is
 * its NoSuchUpload → 404.
 */
export async function listUploadedParts(
  s3: S3Client,
  bucket: string,
  key: ObjectKey,
  uploadId: string,
  pageSize = PARTS_PER_PAGE,
): Promise<UploadedPart[]> {
  const parts: UploadedPart[] = [];
  let marker: string | undefined;
  // An upload has at most MAX_PARTS parts: the bound stops a server that would page forever.
  for (let page = 0; page <= Math.ceil(MAX_PARTS / pageSize); page++) {
    const listed = await listPartsPage(s3, bucket, key, uploadId, pageSize, marker);
    for (const part of listed.Parts ?? []) {
      parts.push({
        partNumber: part.PartNumber ?? 0,
        size: part.Size ?? 0,
        etag: unquoteEtag(part.ETag ?? ''),
      });
    }
    if (!listed.IsTruncated) return parts;
    marker = listed.NextPartNumberMarker;
  }
  throw new Error('ListParts did not end within the parts an upload can have');
}

/** Whether S3 holds `uploadId` open for `key`: one part's listing, or the 404 listUploadedParts gives. */
export async function expectOpenUpload(
  s3: S3Client,
  bucket: string,
  key: ObjectKey,
  uploadId: string,
): Promise<void> {
  await listPartsPage(s3, bucket, key, uploadId, 1, undefined);
}

async function listPartsPage(
  s3: S3Client,
  bucket: string,
  key: ObjectKey,
  uploadId: string,
  maxParts: number,
  marker: string | undefined,
) {
  try {
    return await s3.send(
      new ListPartsCommand({
        Bucket: bucket,
        Key: key,
        UploadId: uploadId,
        MaxParts: maxParts,
        PartNumberMarker: marker,
      }),
    );
  } catch (error) {
    throw multipartError(error);
  }
}
