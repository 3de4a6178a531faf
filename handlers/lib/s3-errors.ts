/** Whether an S3 call failed because the key does not exist (NoSuchKey from GET, a bare 404 from HEAD). */
export function isNotFound(error: unknown): boolean {
  const status = (error as { $metadata?: { httpStatusCode?: number } })?.$metadata?.httpStatusCode;
  return (
    status === 404 || (error instanceof Error && (error.name === 'NoSuchKey' || error.name === 'NotFound'))
  );
}
