import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateMultipartUploadCommand,
  type S3Client,
  UploadPartCopyCommand,
} from '@aws-sdk/client-s3';
import type { ObjectKey } from '../files/keys';
import { MAX_PARTS, MAX_SINGLE_PUT_BYTES } from '../s3/limits';
import { mapConcurrently } from '../s3/pool';
import { versionCopySource } from './copy-source';

const MiB = 1024 * 1024;
/** Parts of a large copy: S3 copies each server-side, so several at once finish sooner. */
const COPY_PART_BYTES = 512 * MiB;
const PARALLEL_PART_COPIES = 8;

/**
 * Makes version `versionId` of `key` its current version again, as a new version (the history stays):
 * one CopyObject up to S3's 5 GiB copy limit, above it a multipart upload of UploadPartCopy parts
 * (aborted if any part fails). Content type and metadata come with the source version.
 */
export async function copyVersion(
  s3: S3Client,
  bucket: string,
  key: ObjectKey,
  versionId: string,
  version: { readonly size: number; readonly contentType?: string },
): Promise<void> {
  const { size } = version;
  const source = versionCopySource(bucket, key, versionId);
  if (size <= MAX_SINGLE_PUT_BYTES) {
    await s3.send(new CopyObjectCommand({ Bucket: bucket, Key: key, CopySource: source }));
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
    new CreateMultipartUploadCommand({ Bucket: bucket, Key: key, ContentType: version.contentType }),
  );
  try {
    const parts = await mapConcurrently(ranges, PARALLEL_PART_COPIES, async (range, index) => {
      const { CopyPartResult } = await s3.send(
        new UploadPartCopyCommand({
          Bucket: bucket,
          Key: key,
          UploadId,
          PartNumber: index + 1,
          CopySource: source,
          CopySourceRange: `bytes=${range.start}-${range.end}`,
        }),
      );
      return { PartNumber: index + 1, ETag: CopyPartResult?.ETag };
    });
    await s3.send(
      new CompleteMultipartUploadCommand({
        Bucket: bucket,
        Key: key,
        UploadId,
        MultipartUpload: { Parts: parts },
      }),
    );
  } catch (error) {
    await s3.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId })).catch(() => {});
    throw error;
  }
}
