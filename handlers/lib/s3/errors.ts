/**
 * S3 said the object does not exist: HeadObject answers a bare 404, GetObject a NoSuchKey — or a 403.
 * S3 answers a missing key with 404 only to a caller allowed to list the bucket, and our roles may list
 * only under an `s3:prefix` condition, which a HeadObject or GetObject request does not carry. Every key
 * we read lies inside a scope the function's role may read (routes.ts), so there a 403 means "absent".
 */
export function isNotFound(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { name, $metadata } = error as { name?: unknown; $metadata?: { httpStatusCode?: unknown } };
  const status = $metadata?.httpStatusCode;
  return name === 'NotFound' || name === 'NoSuchKey' || status === 404 || status === 403;
}
