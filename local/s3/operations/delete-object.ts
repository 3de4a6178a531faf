import type { S3Request } from '../http/request';
import { sendEmpty } from '../http/responses';
import { checkedVersionId } from '../http/version-id';
import { isDeleteMarker, type ObjectStore } from '../store/object-store';

/** What a delete did, in the words DeleteObject's headers and DeleteObjects' result use. */
export interface DeleteResult {
  VersionId?: string;
  DeleteMarker?: boolean;
  DeleteMarkerVersionId?: string;
}

/**
 * One key's delete: without a version id, the object goes (unversioned) or gets a delete marker;
 * with one, that version goes for good.
 */
export async function deleteOne(
  objects: ObjectStore,
  key: string,
  versionId: string | undefined,
): Promise<DeleteResult> {
  if (versionId !== undefined) {
    const removed = await objects.deleteVersion(key, versionId);
    return removed && isDeleteMarker(removed)
      ? { VersionId: versionId, DeleteMarker: true }
      : { VersionId: versionId };
  }
  const marker = await objects.delete(key);
  return marker ? { DeleteMarker: true, DeleteMarkerVersionId: marker.versionId } : {};
}

/** S3's notification of a delete: a delete marker, or the removal of an (unversioned or named) version. */
export function notifyRemoved(request: S3Request, key: string, result: DeleteResult): void {
  const marker = result.DeleteMarkerVersionId !== undefined;
  request.objectRemoved({
    bucket: request.bucket,
    key,
    versionId: marker ? result.DeleteMarkerVersionId : result.VersionId,
    deleteMarker: marker,
  });
}

export async function deleteObject(request: S3Request): Promise<void> {
  const objects = request.storage.bucket(request.bucket).objects;
  const versionId = checkedVersionId(request.query.get('versionId'));
  const result = await deleteOne(objects, request.key, versionId);
  notifyRemoved(request, request.key, result);
  const headers: Record<string, string> = {};
  if (result.DeleteMarker) headers['x-amz-delete-marker'] = 'true';
  const shownVersion = result.VersionId ?? result.DeleteMarkerVersionId;
  if (shownVersion !== undefined) headers['x-amz-version-id'] = shownVersion;
  sendEmpty(request.res, 204, headers);
}
