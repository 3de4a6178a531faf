import { userFolder } from '../../files/keys';
import type { SessionScope } from '../../s3/caller-session';
import { type JobRef, zipArchiveKey } from './job-keys';

/**
 * The session policy of a zip job's session of the worker's caller role: whatever the role allows, only
 * on the job owner's folder (reading the sources: HeadObject, GetObjectAttributes, GetObject) and on this
 * job's archive (its multipart upload, UploadPartCopy included: one request that reads its source and
 * writes the archive with the same credentials; GetObject for the HeadObject that settles a lost Complete).
 * A source key outside the owner's folder is refused by S3 itself, whatever the request record says.
 */
export function zipJobPolicy(bucket: string, job: JobRef): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Action: ['s3:GetObject', 's3:GetObjectAttributes'],
        Resource: `arn:aws:s3:::${bucket}/${userFolder(job.identityId)}*`,
      },
      {
        Effect: 'Allow',
        Action: ['s3:GetObject', 's3:PutObject', 's3:AbortMultipartUpload'],
        Resource: `arn:aws:s3:::${bucket}/${zipArchiveKey(job)}`,
      },
    ],
  });
}

/** One session per job (its archive is its own), named after the job's owner. */
export function zipJobScope(bucket: string, job: JobRef): SessionScope {
  return {
    key: `${job.identityId}/${job.jobId}`,
    identityId: job.identityId,
    policy: () => zipJobPolicy(bucket, job),
  };
}
