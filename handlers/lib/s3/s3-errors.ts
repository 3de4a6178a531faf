/**
 * S3 said the object does not exist: HeadObject's bare 404 (the SDK names it NotFound) or GetObject's
 * NoSuchKey. A 403 AccessDenied alone is never "absent": only a second call can prove it (absent.ts);
 * otherwise it is a refusal (a policy that grants less than the code needs), thrown to be logged and
 * answered 500 with the request id, so that it shows in the 5XX alarm instead of passing for a missing
 * file. So is any other error (KMS.AccessDeniedException, SignatureDoesNotMatch, InvalidAccessKeyId,
 * ExpiredToken, NoSuchBucket).
 */
export function isNotFound(error: unknown): boolean {
  const { name, status } = s3ErrorOf(error);
  return (name === 'NotFound' || name === 'NoSuchKey') && status === 404;
}

/**
 * The 403 S3 may answer for a missing key: GetObject's AccessDenied, or HeadObject's 403 without a body,
 * which the SDK (3.1169) names "Unknown" whatever S3 meant (a missing key, a signature error or an
 * explicit deny). Either may be a missing key or a refusal: only a second call tells (absent.ts).
 */
export function isForbidden(error: unknown): boolean {
  const { name, status, code } = s3ErrorOf(error);
  return status === 403 && (name === 'AccessDenied' || code === undefined);
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
