import { userFolder, zipFolder } from '../../files/keys';
import type { SessionScope } from '../../s3/caller-session';
import { type JobRef, zipArchiveKey } from './job-keys';

/**
 * The session policy of a zip job's session of the worker's (or zip-failed's) caller role: whatever the
 * role allows, only on the job owner's folder (reading the sources: HeadObject, GetObjectAttributes,
 * GetObject), the owner's zip area (the job's records and the owner's slots) and this job's archive (its
 * multipart upload, UploadPartCopy included: one request that reads its source and writes the archive
 * with the same credentials; GetObject for the HeadObject that settles a lost Complete). A source key
 * outside the owner's folder is refused by S3 itself, whatever the request record says.
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
        Action: ['s3:GetObject', 's3:PutObject'],
        Resource: `arn:aws:s3:::${bucket}/${zipFolder(job.identityId)}*`,
      },
      {
        Effect: 'Allow',
        Action: ['s3:AbortMultipartUpload'],
        Resource: `arn:aws:s3:::${bucket}/${zipArchiveKey(job)}`,
      },
      {
        // Proves S3's 403 a missing source or record (lib/s3/absent.ts).
        Effect: 'Allow',
        Action: ['s3:ListBucket'],
        Resource: `arn:aws:s3:::${bucket}`,
        Condition: {
          StringLike: { 's3:prefix': [`${userFolder(job.identityId)}*`, `${zipFolder(job.identityId)}*`] },
        },
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
