import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { rm } from 'node:fs/promises';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { malformedXml, notImplemented, preconditionFailed, S3Error } from '../errors';
import { byteRange, readCondition, writeConditions } from '../http/conditions';
import { objectAttributes, objectResponseHeaders } from '../http/object-headers';
import { receiveText, receiveToFile } from '../http/receive';
import { headerOf, type S3Request } from '../http/request';
import { isoTime, sendEmpty, sendXml } from '../http/responses';
import { childrenOf, hasRoot, textOf } from '../http/xml';
import { newChecksum } from '../store/checksums';
import { tempPath } from '../store/files';
import { isDeleteMarker, type ObjectMeta, type ObjectStore } from '../store/object-store';
import { checkedVersionId, createdVersion, readableVersion, versionHeader } from './list-object-versions';

/** S3's limit for one PUT (and one part). */
export const MAX_UPLOAD_SIZE = 5 * 1024 ** 3;
const MAX_DELETE_BODY = 4 * 1024 ** 2;
/** Larger reads than the 64 KiB default: fewer writes to the socket, with memory still bounded. */
const READ_CHUNK = 1024 ** 2;

const secondsOnly = (ms: number) => Math.floor(ms / 1000) * 1000;

export function checksumHeaders(meta: ObjectMeta): Record<string, string> {
  const headers: Record<string, string> = {
    'x-amz-checksum-type': meta.composite ? 'COMPOSITE' : 'FULL_OBJECT',
  };
  for (const [algorithm, value] of Object.entries(meta.checksums))
    headers[`x-amz-checksum-${algorithm.toLowerCase()}`] = value;
  return headers;
}

/**
 * Commits an object with its intent journaled, then hands its notification on and ends the intent in the
 * same synchronous step: a process killed in between leaves the intent, which the next start turns into
 * the notification (creation-journal.ts).
 */
export async function commitAndNotify(
  request: S3Request,
  intent: { bucket: string; key: string; etag: string; size: number },
  commit: () => Promise<ObjectMeta>,
): Promise<ObjectMeta> {
  const end = request.beginCreate(intent);
  let meta: ObjectMeta;
  try {
    meta = await commit();
  } catch (error) {
    end();
    throw error;
  }
  const objects = request.storage.bucket(intent.bucket).objects;
  request.objectCreated({ bucket: intent.bucket, key: intent.key, ...createdVersion(objects, meta) });
  end();
  return meta;
}

export async function putObject(request: S3Request): Promise<void> {
  const check = writeConditions(request);
  const { bucket, key, storage } = request;
  const { path, payload } = await receiveToFile(request, MAX_UPLOAD_SIZE);
  const etag = `"${payload.md5.toString('hex')}"`;
  const meta = await commitAndNotify(request, { bucket, key, etag, size: payload.size }, () =>
    storage.bucket(bucket).objects.commit(
      key,
      path,
      {
        ...objectAttributes(request),
        size: payload.size,
        etag,
        lastModified: secondsOnly(Date.now()),
        checksums: payload.checksums,
      },
      check,
    ),
  );
  const checksums = request.payload.checksum ? checksumHeaders(meta) : {};
  const version = versionHeader(storage.bucket(bucket).objects, meta);
  sendEmpty(request.res, 200, { ETag: meta.etag, ...checksums, ...version });
}

/**
 * GetObject and HeadObject (of the current object, or of `?versionId=`): conditions, one byte range,
 * response-* overrides, streamed from disk.
 */
export async function getObject(request: S3Request): Promise<void> {
  const { res, key, query } = request;
  if (query.has('partNumber')) throw notImplemented('partNumber on GET/HEAD');
  const objects = request.storage.bucket(request.bucket).objects;
  const versionId = checkedVersionId(query.get('versionId'));
  const opened = await openVersion(objects, key, versionId, false);
  const { meta, file } = opened;
  let streaming = false;
  try {
    const condition = readCondition(request, meta);
    if (condition === 412) throw preconditionFailed('If-Match');
    const headers = { ...objectResponseHeaders(request, meta), ...versionHeader(objects, meta) };
    if (condition === 304) {
      res.writeHead(304, { ETag: meta.etag, 'Last-Modified': headers['Last-Modified'] });
      res.end();
      return;
    }
    const range = byteRange(headerOf(request, 'range'), meta.size);
    const start = range?.start ?? 0;
    const end = range?.end ?? meta.size - 1;
    if (range) headers['Content-Range'] = `bytes ${start}-${end}/${meta.size}`;
    else if (headerOf(request, 'x-amz-checksum-mode') === 'ENABLED')
      Object.assign(headers, checksumHeaders(meta));
    headers['Content-Length'] = end - start + 1;
    res.writeHead(range ? 206 : 200, headers);
    if (request.method === 'HEAD' || meta.size === 0) {
      res.end();
      return;
    }
    streaming = true;
    await pipeline(file.createReadStream({ start, end, highWaterMark: READ_CHUNK }), res);
  } finally {
    if (!streaming) await file.close();
  }
}

/**
 * The current object (no versionId) or the version named, opened; S3's error when it cannot be read
 * (versions.ts, readableVersion).
 */
async function openVersion(
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

/**
 * One key's delete: without a version id, the object goes (unversioned) or gets a delete marker;
 * with one, that version goes for good. The fields DeleteObject and DeleteObjects answer with.
 */
async function deleteOne(
  objects: ObjectStore,
  key: string,
  versionId: string | undefined,
): Promise<{ VersionId?: string; DeleteMarker?: boolean; DeleteMarkerVersionId?: string }> {
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
function notifyRemoved(
  request: S3Request,
  key: string,
  result: { VersionId?: string; DeleteMarker?: boolean; DeleteMarkerVersionId?: string },
): void {
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

/** DeleteObjects: `<Delete><Quiet/>?<Object><Key/><VersionId/>?</Object>…</Delete>`, at most 1000 keys. */
export async function deleteObjects(request: S3Request): Promise<void> {
  const objects = request.storage.bucket(request.bucket).objects;
  const xml = await receiveText(request, MAX_DELETE_BODY);
  const entries = hasRoot(xml, 'Delete') ? childrenOf(xml, 'Object') : undefined;
  if (!entries || entries.length === 0 || entries.length > 1000 || entries.some((e) => e.Key === undefined)) {
    throw malformedXml();
  }
  const quiet = textOf(xml, 'Quiet') === 'true';
  const deleted: object[] = [];
  const errors: object[] = [];
  for (const { Key, VersionId } of entries) {
    if (VersionId !== undefined && checkedVersionIdOrUndefined(VersionId) === undefined) {
      errors.push({
        Key,
        VersionId,
        Code: 'NoSuchVersion',
        Message: 'The specified version does not exist.',
      });
      continue;
    }
    // S3 authorizes each key as its own DeleteObject (DeleteObjectVersion with a version id), and reports
    // a refused one in the result.
    const action = VersionId === undefined ? 's3:DeleteObject' : 's3:DeleteObjectVersion';
    if (!request.isAllowed({ action, resource: `arn:aws:s3:::${request.bucket}/${Key}` })) {
      errors.push({
        Key,
        ...(VersionId === undefined ? {} : { VersionId }),
        Code: 'AccessDenied',
        Message: 'Access Denied',
      });
      continue;
    }
    const result = await deleteOne(objects, Key, VersionId);
    notifyRemoved(request, Key, result);
    deleted.push({ Key, ...result });
  }
  sendXml(request.res, 200, 'DeleteResult', { Deleted: quiet ? undefined : deleted, Error: errors } as never);
}

function checkedVersionIdOrUndefined(versionId: string): string | undefined {
  try {
    return checkedVersionId(versionId);
  } catch {
    return undefined;
  }
}

/** `/bucket/key` or `bucket/key`, URL-encoded, with an optional `?versionId=`, as x-amz-copy-source carries it. */
export function copySource(header: string): { bucket: string; key: string; versionId?: string } {
  const [path, query] = header.split('?');
  let versionId: string | undefined;
  if (query !== undefined) {
    const params = new URLSearchParams(query);
    if ([...params.keys()].some((name) => name !== 'versionId'))
      throw notImplemented('x-amz-copy-source query');
    versionId = checkedVersionId(params.get('versionId'));
  }
  let decoded: string;
  try {
    decoded = decodeURIComponent(path.replace(/^\//, ''));
  } catch {
    decoded = '';
  }
  const slash = decoded.indexOf('/');
  if (slash <= 0 || slash === decoded.length - 1) {
    throw new S3Error(
      400,
      'InvalidArgument',
      'Copy Source must mention the source bucket and key: sourcebucket/sourcekey',
    );
  }
  return { bucket: decoded.slice(0, slash), key: decoded.slice(slash + 1), versionId };
}

/** CopyObject within the server: metadata copied (COPY) or taken from the request (REPLACE). */
export async function copyObject(request: S3Request): Promise<void> {
  if (Object.keys(request.headers).some((name) => name.startsWith('x-amz-copy-source-'))) {
    throw notImplemented('x-amz-copy-source-* conditions');
  }
  const check = writeConditions(request);
  const source = copySource(headerOf(request, 'x-amz-copy-source') ?? '');
  const sourceObjects = request.storage.bucket(source.bucket).objects;
  const opened = await openVersion(sourceObjects, source.key, source.versionId, true);
  const path = tempPath(request.storage.tmpDir);
  const md5 = createHash('md5');
  const crc32 = newChecksum('CRC32');
  try {
    const digest = new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        md5.update(chunk);
        crc32.update(chunk);
        callback(null, chunk);
      },
    });
    await pipeline(opened.file.createReadStream(), digest, createWriteStream(path, { flags: 'wx' }));
  } catch (error) {
    await rm(path, { force: true });
    throw error;
  } finally {
    await opened.file.close().catch(() => {});
  }
  const replace = headerOf(request, 'x-amz-metadata-directive') === 'REPLACE';
  const attributes = replace ? objectAttributes(request) : opened.meta;
  const etag = `"${md5.digest('hex')}"`;
  const intent = { bucket: request.bucket, key: request.key, etag, size: opened.meta.size };
  const meta = await commitAndNotify(request, intent, () =>
    request.storage.bucket(request.bucket).objects.commit(
      request.key,
      path,
      {
        contentType: attributes.contentType,
        headers: attributes.headers,
        metadata: attributes.metadata,
        size: opened.meta.size,
        etag,
        lastModified: secondsOnly(Date.now()),
        checksums: { CRC32: crc32.digest() },
      },
      check,
    ),
  );
  const targetObjects = request.storage.bucket(request.bucket).objects;
  const versions = {
    ...versionHeader(targetObjects, meta),
    ...(source.versionId === undefined ? {} : { 'x-amz-copy-source-version-id': opened.meta.versionId }),
  };
  for (const [name, value] of Object.entries(versions)) request.res.setHeader(name, value);
  sendXml(request.res, 200, 'CopyObjectResult', {
    LastModified: isoTime(meta.lastModified),
    ETag: meta.etag,
  });
}
