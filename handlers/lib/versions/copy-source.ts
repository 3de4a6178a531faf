import type { ObjectKey } from '../files/keys';

/** x-amz-copy-source of one version: each key segment and the version id URL-encoded, as S3 reads it. */
export function versionCopySource(bucket: string, key: ObjectKey, versionId: string): string {
  return `${bucket}/${key.split('/').map(encodeURIComponent).join('/')}?versionId=${encodeURIComponent(versionId)}`;
}
