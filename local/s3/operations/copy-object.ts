import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { notImplemented } from '../errors';
import { writeConditions } from '../http/conditions';
import { copySource } from '../http/copy-source';
import { objectAttributes, versionHeader } from '../http/object-headers';
import { headerOf, type S3Request } from '../http/request';
import { isoTime, sendXml } from '../http/responses';
import { newChecksum } from '../store/checksums';
import { tempPath } from '../store/files';
import { openVersion } from '../store/versions';
import { commitAndNotify, wholeSeconds } from './commit';

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
        lastModified: wholeSeconds(Date.now()),
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
