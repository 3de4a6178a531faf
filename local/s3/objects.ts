import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { newChecksum } from './checksums';
import { byteRange, readCondition, writeConditions } from './conditions';
import { malformedXml, noSuchKey, notImplemented, preconditionFailed, S3Error } from './errors';
import { tempPath } from './files';
import { objectAttributes, objectResponseHeaders } from './object-headers';
import type { ObjectMeta } from './object-store';
import { receiveText, receiveToFile } from './receive';
import { headerOf, type S3Request } from './request';
import { isoTime, sendEmpty, sendXml } from './responses';
import { childrenOf, hasRoot, textOf } from './xml';

/** S3's limit for one PUT (and one part). */
export const MAX_UPLOAD_SIZE = 5 * 1024 ** 3;
const MAX_DELETE_BODY = 4 * 1024 ** 2;
/** Larger reads than the 64 KiB default: fewer writes to the socket, with memory still bounded. */
const READ_CHUNK = 1024 ** 2;

const secondsOnly = (ms: number) => Math.floor(ms / 1000) * 1000;

export function checksumHeaders(meta: ObjectMeta): Record<string, string> {
  const headers: Record<string, string> = { 'x-amz-checksum-type': 'FULL_OBJECT' };
  for (const [algorithm, value] of Object.entries(meta.checksums))
    headers[`x-amz-checksum-${algorithm.toLowerCase()}`] = value;
  return headers;
}

export async function putObject(request: S3Request): Promise<void> {
  const check = writeConditions(request);
  const { bucket, key, storage } = request;
  const { path, payload } = await receiveToFile(request, MAX_UPLOAD_SIZE);
  const meta = await storage.bucket(bucket).objects.commit(
    key,
    path,
    {
      ...objectAttributes(request),
      size: payload.size,
      etag: `"${payload.md5.toString('hex')}"`,
      lastModified: secondsOnly(Date.now()),
      checksums: payload.checksums,
    },
    check,
  );
  request.objectCreated({ bucket, key, size: meta.size, etag: meta.etag });
  const checksums = request.payload.checksum ? checksumHeaders(meta) : {};
  sendEmpty(request.res, 200, { ETag: meta.etag, ...checksums });
}

/** GetObject and HeadObject: conditions, one byte range, response-* overrides, streamed from disk. */
export async function getObject(request: S3Request): Promise<void> {
  const { res, key, query } = request;
  if (query.has('partNumber')) throw notImplemented('partNumber on GET/HEAD');
  const opened = await request.storage.bucket(request.bucket).objects.openObject(key);
  if (!opened) throw noSuchKey(key);
  const { meta, file } = opened;
  let streaming = false;
  try {
    const condition = readCondition(request, meta);
    if (condition === 412) throw preconditionFailed('If-Match');
    const headers = objectResponseHeaders(request, meta);
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

export async function deleteObject(request: S3Request): Promise<void> {
  await request.storage.bucket(request.bucket).objects.delete(request.key);
  sendEmpty(request.res, 204);
}

/** DeleteObjects: `<Delete><Quiet/>?<Object><Key/></Object>…</Delete>`, at most 1000 keys. */
export async function deleteObjects(request: S3Request): Promise<void> {
  const objects = request.storage.bucket(request.bucket).objects;
  const xml = await receiveText(request, MAX_DELETE_BODY);
  const entries = hasRoot(xml, 'Delete') ? childrenOf(xml, 'Object') : undefined;
  if (!entries || entries.length === 0 || entries.length > 1000 || entries.some((e) => e.Key === undefined)) {
    throw malformedXml();
  }
  const quiet = textOf(xml, 'Quiet') === 'true';
  const deleted: { Key: string }[] = [];
  // S3 authorizes each key as its own DeleteObject, and reports a refused one in the result.
  const refused: { Key: string; Code: string; Message: string }[] = [];
  for (const { Key } of entries) {
    const resource = `arn:aws:s3:::${request.bucket}/${Key}`;
    if (!request.isAllowed({ action: 's3:DeleteObject', resource })) {
      refused.push({ Key, Code: 'AccessDenied', Message: 'Access Denied' });
      continue;
    }
    await objects.delete(Key);
    deleted.push({ Key });
  }
  sendXml(request.res, 200, 'DeleteResult', {
    Deleted: quiet ? undefined : deleted,
    Error: refused.length === 0 ? undefined : refused,
  });
}

/** `/bucket/key` or `bucket/key`, URL-encoded, as x-amz-copy-source carries it. */
export function copySource(header: string): { bucket: string; key: string } {
  const [path, query] = header.split('?');
  if (query !== undefined) throw notImplemented('versionId in x-amz-copy-source');
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
  return { bucket: decoded.slice(0, slash), key: decoded.slice(slash + 1) };
}

/** CopyObject within the server: metadata copied (COPY) or taken from the request (REPLACE). */
export async function copyObject(request: S3Request): Promise<void> {
  if (Object.keys(request.headers).some((name) => name.startsWith('x-amz-copy-source-'))) {
    throw notImplemented('x-amz-copy-source-* conditions');
  }
  const check = writeConditions(request);
  const source = copySource(headerOf(request, 'x-amz-copy-source') ?? '');
  const opened = await request.storage.bucket(source.bucket).objects.openObject(source.key);
  if (!opened) throw noSuchKey(source.key);
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
  }
  const replace = headerOf(request, 'x-amz-metadata-directive') === 'REPLACE';
  const attributes = replace ? objectAttributes(request) : opened.meta;
  const meta = await request.storage.bucket(request.bucket).objects.commit(
    request.key,
    path,
    {
      contentType: attributes.contentType,
      headers: attributes.headers,
      metadata: attributes.metadata,
      size: opened.meta.size,
      etag: `"${md5.digest('hex')}"`,
      lastModified: secondsOnly(Date.now()),
      checksums: { CRC32: crc32.digest() },
    },
    check,
  );
  request.objectCreated({ bucket: request.bucket, key: request.key, size: meta.size, etag: meta.etag });
  sendXml(request.res, 200, 'CopyObjectResult', {
    LastModified: isoTime(meta.lastModified),
    ETag: meta.etag,
  });
}
