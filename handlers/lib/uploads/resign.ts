import type { IdentityId, ObjectKey } from '../files/keys';
import { BadRequestError } from '../http/errors';
import type { UploadClients } from './clients';
import { readPlan } from './plans';
import { presignParts, signingNow, urlsExpireAt } from './presign';
import { noSuchUploadError } from './upload-errors';
import { cutIntoParts } from './upload-limits';
import { expectOpenUpload } from './uploaded-parts';

export interface ResignRequest {
  readonly identityId: IdentityId;
  /** The file's key in the folder of `identityId`. */
  readonly s3Key: ObjectKey;
  readonly uploadId: string;
  readonly partNumbers: readonly number[];
}

export interface ResignedParts {
  readonly partSize: number;
  readonly parts: { partNumber: number; url: string }[];
  readonly expiresAt: string;
}

/**
 * Fresh URLs for parts of the caller's open multipart upload, each signing exactly the length its plan
 * gives that part (lib/uploads/plans.ts), as POST /uploads did: so a re-signed upload can still hold no
 * more than the size declared when it started.
 */
export async function resignParts(deps: UploadClients, request: ResignRequest): Promise<ResignedParts> {
  const { s3, files, presigner, bucket } = deps;
  const plan = await readPlan(s3, bucket, request.identityId, request.s3Key, request.uploadId);
  if (plan === undefined) throw noSuchUploadError();
  // The plan outlives its upload: S3 says whether the upload is still open (and S3's own binding of upload
  // id to key holds whatever the record says).
  await expectOpenUpload(files, bucket, request.s3Key, request.uploadId);
  const planned = cutIntoParts(plan.size, plan.partSize);
  const parts = request.partNumbers.map((partNumber) => {
    const part = planned[partNumber - 1];
    if (part === undefined) {
      throw new BadRequestError(`This upload has parts 1..${planned.length}: no part ${partNumber}.`);
    }
    return part;
  });
  const signingDate = signingNow();
  return {
    partSize: plan.partSize,
    parts: await presignParts(presigner, bucket, request.s3Key, request.uploadId, parts, signingDate),
    expiresAt: urlsExpireAt(signingDate),
  };
}
