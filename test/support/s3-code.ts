import { S3ServiceException } from '@aws-sdk/client-s3';

/** "<status> <S3 error code>" of the S3 error that `promise` rejects with. */
export async function s3Code(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof S3ServiceException) return `${error.$metadata.httpStatusCode} ${error.name}`;
    throw error;
  }
  throw new Error('expected an S3 error');
}
