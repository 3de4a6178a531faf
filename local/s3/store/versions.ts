import type { FileHandle } from 'node:fs/promises';
import { noSuchKey, S3Error } from '../errors';
import { isDeleteMarker, type ObjectMeta, type ObjectStore } from './object-store';

export const noSuchVersion = (key: string, versionId: string) =>
  new S3Error(404, 'NoSuchVersion', 'The specified version does not exist.', {
    Key: key,
    VersionId: versionId,
  });

/**
 * The version a read names, or S3's error: NoSuchKey (no current object), NoSuchVersion, or, for a delete
 * marker named by its id, MethodNotAllowed on GET/HEAD and InvalidRequest as a copy source.
 */
export function readableVersion(
  objects: ObjectStore,
  key: string,
  versionId: string | undefined,
  asCopySource: boolean,
): ObjectMeta {
  if (versionId === undefined) {
    const current = objects.get(key);
    if (!current) throw noSuchKey(key);
    return current;
  }
  const version = objects.version(key, versionId);
  if (!version) throw noSuchVersion(key, versionId);
  if (isDeleteMarker(version)) {
    throw asCopySource
      ? new S3Error(
          400,
          'InvalidRequest',
          'The source of a copy request may not specifically refer to a delete marker by version id.',
        )
      : new S3Error(405, 'MethodNotAllowed', 'The specified method is not allowed against this resource.');
  }
  return version;
}

/** The current object (no versionId) or the version named, opened; S3's error when it cannot be read. */
export async function openVersion(
  objects: ObjectStore,
  key: string,
  versionId: string | undefined,
  asCopySource: boolean,
): Promise<{ meta: ObjectMeta; file: FileHandle }> {
  const version = readableVersion(objects, key, versionId, asCopySource);
  const opened = await objects.openObject(key, version.versionId);
  // Removed between the lookup and the open: the same answer as a moment later.
  return opened ?? (await openVersion(objects, key, versionId, asCopySource));
}

/** What S3's ObjectCreated event says of a stored version: its size, ETag and, once versioned, its id. */
export function createdVersion(
  objects: ObjectStore,
  meta: ObjectMeta,
): { size: number; etag: string; versionId?: string } {
  return {
    size: meta.size,
    etag: meta.etag,
    ...(objects.versioning === undefined ? {} : { versionId: meta.versionId }),
  };
}
