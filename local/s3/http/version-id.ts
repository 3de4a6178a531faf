import { invalidArgument } from '../errors';

const VERSION_ID = /^(null|[A-Za-z0-9_-]{32})$/;

/** A `versionId` as S3 takes it: a malformed one is 400 InvalidArgument, as in S3. */
export function checkedVersionId(versionId: string | null | undefined): string | undefined {
  if (versionId === null || versionId === undefined) return undefined;
  if (!VERSION_ID.test(versionId))
    throw invalidArgument('Invalid version id specified', 'versionId', versionId);
  return versionId;
}
