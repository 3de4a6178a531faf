import { PutBucketVersioningCommand } from '@aws-sdk/client-s3';
import { type S3Server, startEmbeddedS3 } from '../../devtools/s3-servers';

/** The signature-checking embedded S3 with versioning on, as the stack's bucket has it. */
export async function startVersionedS3(): Promise<S3Server> {
  const s3 = await startEmbeddedS3();
  await s3.client.send(
    new PutBucketVersioningCommand({ Bucket: s3.bucket, VersioningConfiguration: { Status: 'Enabled' } }),
  );
  return s3;
}
