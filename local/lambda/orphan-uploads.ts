import { AbortMultipartUploadCommand, ListMultipartUploadsCommand, S3Client } from '@aws-sdk/client-s3';
import { ZIPS_PREFIX } from '../../contract/bucket-layout';

/**
 * At start, before any worker runs: every multipart upload still open under `zip/` belongs to a zip job
 * whose worker the last process was running when it died (nothing else writes there). Aborting them
 * frees their parts; the jobs themselves run again from the outbox (a retry, as Lambda's), or are failed
 * by it, and free their slots as every ended job does. Returns how many it aborted.
 */
export async function abortOrphanArchiveUploads(options: {
  readonly endpoint: string;
  readonly region: string;
  readonly credentials: { readonly accessKeyId: string; readonly secretAccessKey: string };
  readonly bucket: string;
}): Promise<number> {
  const s3 = new S3Client({
    endpoint: options.endpoint,
    region: options.region,
    credentials: options.credentials,
    forcePathStyle: true,
  });
  let aborted = 0;
  try {
    for (;;) {
      const page = await s3.send(
        new ListMultipartUploadsCommand({ Bucket: options.bucket, Prefix: ZIPS_PREFIX }),
      );
      const uploads = page.Uploads ?? [];
      for (const { Key, UploadId } of uploads) {
        await s3.send(new AbortMultipartUploadCommand({ Bucket: options.bucket, Key, UploadId }));
        aborted++;
      }
      if (!page.IsTruncated || uploads.length === 0) return aborted;
    }
  } finally {
    s3.destroy();
  }
}
