import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateMultipartUploadCommand,
  type S3Client,
  UploadPartCopyCommand,
} from '@aws-sdk/client-s3';
import { MAX_PARTS, MAX_SINGLE_PUT_BYTES } from '../../../contract/s3-limits';
import { mapConcurrently } from '../s3/pool';
import type { ObjectKey } from './keys';

const MiB = 1024 * 1024;
/** Parts of a large copy: S3 copies each server-side, so several at once finish sooner. */
const COPY_PART_BYTES = 512 * MiB;
const PARALLEL_PART_COPIES = 8;

/** x-amz-copy-source: each key segment (and a version id) URL-encoded, as S3 reads it. */
export function copySource(bucket: string, key: ObjectKey, versionId?: string): string {
  const path = `${bucket}/${key.split('/').map(encodeURIComponent).join('/')}`;
  return versionId === undefined ? path : `${path}?versionId=${encodeURIComponent(versionId)}`;
}

/** What is copied: the current object of `key`, or one of its versions. */
export interface CopySource {
  readonly key: ObjectKey;
  readonly versionId?: string;
  readonly size: number;
  readonly contentType?: string;
  /** The ETag the source was read with: a multipart copy's parts refuse any other (x-amz-copy-source-if-match). */
  readonly etag?: string;
}

export interface CopyOptions {
  /** Refuse to replace an object at the destination (If-None-Match: *): S3 answers 412. @default false */
  readonly createOnly?: boolean;
}

/**
 * Copies `source` to `destination` server-side, as a new version of the destination: one CopyObject up to
 * S3's 5 GiB copy limit, above it a multipart upload of UploadPartCopy parts (aborted if any part fails).
 * Content type and metadata come with the source.
 */
export async function copyObject(
  s3: S3Client,
  bucket: string,
  source: CopySource,
  destination: ObjectKey,
  options: CopyOptions = {},
): Promise<void> {
  const { size } = source;
  const from = copySource(bucket, source.key, source.versionId);
  const condition = options.createOnly ? { IfNoneMatch: '*' } : {};
  if (size <= MAX_SINGLE_PUT_BYTES) {
    await s3.send(
      new CopyObjectCommand({ Bucket: bucket, Key: destination, CopySource: from, ...condition }),
    );
    return;
  }
  const partBytes = Math.max(COPY_PART_BYTES, Math.ceil(size / MAX_PARTS));
  const ranges = Array.from({ length: Math.ceil(size / partBytes) }, (_, i) => ({
    start: i * partBytes,
    end: Math.min(size, (i + 1) * partBytes) - 1,
  }));
  // CopyObject keeps the source's metadata; a multipart copy takes it from here: the content type is
  // the only metadata the API sets.
  const { UploadId } = await s3.send(
    new CreateMultipartUploadCommand({ Bucket: bucket, Key: destination, ContentType: source.contentType }),
  );
  try {
    const parts = await mapConcurrently(ranges, PARALLEL_PART_COPIES, async (range, index) => {
      const { CopyPartResult } = await s3.send(
        new UploadPartCopyCommand({
          Bucket: bucket,
          Key: destination,
          UploadId,
          PartNumber: index + 1,
          CopySource: from,
          CopySourceRange: `bytes=${range.start}-${range.end}`,
          CopySourceIfMatch: source.etag,
        }),
      );
      return { PartNumber: index + 1, ETag: CopyPartResult?.ETag };
    });
    await s3.send(
      new CompleteMultipartUploadCommand({
        Bucket: bucket,
        Key: destination,
        UploadId,
        MultipartUpload: { Parts: parts },
        ...condition,
      }),
    );
  } catch (error) {
    await s3
      .send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: destination, UploadId }))
      .catch(() => {});
    throw error;
  }
}
