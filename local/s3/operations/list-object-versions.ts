import { invalidArgument, malformedXml, noSuchKey, notImplemented, S3Error } from '../errors';
import { receiveText } from '../http/receive';
import type { S3Request } from '../http/request';
import { isoTime, sendEmpty, sendXml } from '../http/responses';
import { hasRoot, textOf } from '../http/xml';
import { isDeleteMarker, type ObjectMeta, type ObjectStore, type Version } from '../store/object-store';
import { maxKeysOf } from './list-objects-v2';

/** Bucket versioning as the handlers use it: the switch, version ids on objects, ListObjectVersions. */

const VERSION_ID = /^(null|[A-Za-z0-9_-]{32})$/;
const MAX_VERSIONING_BODY = 64 * 1024;
const OWNER = { ID: 'lockbox-local', DisplayName: 'lockbox-local' };

/** A `versionId` as S3 takes it: a malformed one is 400 InvalidArgument, as in S3. */
export function checkedVersionId(versionId: string | null | undefined): string | undefined {
  if (versionId === null || versionId === undefined) return undefined;
  if (!VERSION_ID.test(versionId))
    throw invalidArgument('Invalid version id specified', 'versionId', versionId);
  return versionId;
}

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

/** `x-amz-version-id` of a version, sent only once the bucket has versioning (as S3). */
export function versionHeader(objects: ObjectStore, version: Version): Record<string, string> {
  return objects.versioning === undefined ? {} : { 'x-amz-version-id': version.versionId };
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

export async function putBucketVersioning(request: S3Request): Promise<void> {
  const xml = await receiveText(request, MAX_VERSIONING_BODY);
  const status = hasRoot(xml, 'VersioningConfiguration') ? textOf(xml, 'Status') : undefined;
  if (status !== 'Enabled' && status !== 'Suspended') throw malformedXml();
  if (textOf(xml, 'MfaDelete') !== undefined) throw notImplemented('MfaDelete');
  await request.storage.bucket(request.bucket).objects.setVersioning(status);
  sendEmpty(request.res, 200);
}

export function getBucketVersioning(request: S3Request): void {
  const status = request.storage.bucket(request.bucket).objects.versioning;
  sendXml(request.res, 200, 'VersioningConfiguration', { Status: status });
}

interface Listed {
  readonly version: Version;
  readonly isLatest: boolean;
}

/**
 * ListObjectVersions with prefix, max-keys and key-marker/version-id-marker paging (no delimiter): every
 * version and delete marker of each key, keys in UTF-8 byte order and each key's versions newest first.
 * A key-marker alone resumes after every version of that key; with a version-id-marker, after that one.
 */
export function listObjectVersions(request: S3Request): void {
  const { query } = request;
  if (query.has('delimiter')) throw notImplemented('delimiter on ListObjectVersions');
  if (query.has('encoding-type')) throw notImplemented('encoding-type on ListObjectVersions');
  const prefix = query.get('prefix') ?? '';
  const maxKeys = maxKeysOf(query);
  const keyMarker = query.get('key-marker') ?? '';
  const versionIdMarker = query.get('version-id-marker') ?? undefined;
  if (versionIdMarker !== undefined && keyMarker === '')
    throw invalidArgument(
      'A version-id marker cannot be specified without a key marker.',
      'version-id-marker',
      versionIdMarker,
    );
  if (versionIdMarker !== undefined) checkedVersionId(versionIdMarker);

  const objects = request.storage.bucket(request.bucket).objects;
  const seek = Buffer.compare(Buffer.from(prefix), Buffer.from(keyMarker)) > 0 ? prefix : keyMarker;
  const listed: Listed[] = [];
  let truncated = false;
  scan: for (const { key, versions } of objects.versionsFrom(Buffer.from(seek))) {
    if (!key.startsWith(prefix)) break;
    let start = 0;
    if (key === keyMarker) {
      if (versionIdMarker === undefined) continue;
      const at = versions.findIndex((v) => v.versionId === versionIdMarker);
      if (at === -1)
        throw invalidArgument('Invalid version id specified', 'version-id-marker', versionIdMarker);
      start = at + 1;
    }
    for (let i = start; i < versions.length; i++) {
      if (listed.length >= maxKeys) {
        truncated = true;
        break scan;
      }
      listed.push({ version: versions[i], isLatest: i === 0 });
    }
  }
  const last = listed.at(-1)?.version;
  const entry = ({ version, isLatest }: Listed) => ({
    Key: version.key,
    VersionId: version.versionId,
    IsLatest: isLatest,
    LastModified: isoTime(version.lastModified),
  });
  sendXml(request.res, 200, 'ListVersionsResult', {
    Name: request.bucket,
    Prefix: prefix,
    KeyMarker: keyMarker,
    VersionIdMarker: versionIdMarker ?? '',
    NextKeyMarker: truncated ? last?.key : undefined,
    NextVersionIdMarker: truncated ? last?.versionId : undefined,
    MaxKeys: maxKeys,
    IsTruncated: truncated,
    Version: listed
      .filter(({ version }) => !isDeleteMarker(version))
      .map((item) => {
        const meta = item.version as ObjectMeta;
        return { ...entry(item), ETag: meta.etag, Size: meta.size, Owner: OWNER, StorageClass: 'STANDARD' };
      }),
    DeleteMarker: listed
      .filter(({ version }) => isDeleteMarker(version))
      .map((item) => ({ ...entry(item), Owner: OWNER })),
  });
}
