/**
 * S3 said the object does not exist. HeadObject answers a bare 404 (the SDK names it NotFound), GetObject
 * a NoSuchKey — or, to a caller that may not list the bucket, a 403 AccessDenied: our roles may list only
 * under an `s3:prefix` condition, which a GetObject request does not carry. Every key we read lies inside
 * a scope the function's role may read (routes.ts), so there an AccessDenied means "absent". Any other
 * error (KMS.AccessDeniedException, KMS.DisabledException, SignatureDoesNotMatch, InvalidAccessKeyId,
 * ExpiredToken, a deny answered with another code, NoSuchBucket) is not, and is thrown to be logged.
 */
export function isNotFound(error: unknown): boolean {
  const { name, status } = s3ErrorOf(error);
  return name === 'NotFound' || name === 'NoSuchKey' || (name === 'AccessDenied' && status === 403);
}

/**
 * A 403 without a body: HeadObject's, which the SDK (3.1169) names "Unknown" whatever S3 meant — a missing
 * key, a signature error or an explicit deny. Only a request with a body can tell (see head.ts).
 */
export function isBodilessForbidden(error: unknown): boolean {
  const { name, status, code } = s3ErrorOf(error);
  return status === 403 && code === undefined && name !== 'AccessDenied';
}

function s3ErrorOf(error: unknown): { name?: unknown; status?: unknown; code?: unknown } {
  if (typeof error !== 'object' || error === null) return {};
  const { name, Code, $metadata } = error as {
    name?: unknown;
    Code?: unknown;
    $metadata?: { httpStatusCode?: unknown };
  };
  return { name, code: Code, status: $metadata?.httpStatusCode };
}
