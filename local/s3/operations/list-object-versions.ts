import { invalidArgument, notImplemented } from '../errors';
import type { S3Request } from '../http/request';
import { isoTime, OWNER, sendXml } from '../http/responses';
import { checkedVersionId } from '../http/version-id';
import { isDeleteMarker, type ObjectMeta, type Version } from '../store/object-store';
import { maxKeysOf } from './list-objects-v2';

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
