import type { S3Client } from '@aws-sdk/client-s3';
import type { IdentityId, ObjectKey } from '../files/keys';
import { readPlan } from './plans';
import { noSuchUploadError } from './upload-errors';
import { listUploadedParts, type UploadedPart } from './uploaded-parts';

export interface UploadStatus {
  /** The size declared when the upload started: a resumed upload must send the same file. */
  readonly size: number;
  readonly partSize: number;
  /** The parts S3 holds, ascending: a resuming client sends the others. */
  readonly parts: UploadedPart[];
}

/** Where the caller's open multipart upload `uploadId` of `key` stands; 404 for any upload it cannot use. */
export async function uploadStatus(
  { s3, bucket }: { readonly s3: S3Client; readonly bucket: string },
  /** The caller's folder-scoped client (CallerDeps.s3ForCaller); `s3` reads the plan. */
  files: S3Client,
  identityId: IdentityId,
  key: ObjectKey,
  uploadId: string,
): Promise<UploadStatus> {
  const plan = await readPlan(s3, bucket, identityId, key, uploadId);
  if (plan === undefined) throw noSuchUploadError();
  const parts = await listUploadedParts(files, bucket, key, uploadId);
  return { size: plan.size, partSize: plan.partSize, parts };
}
