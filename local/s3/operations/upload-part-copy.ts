import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { invalidArgument, noSuchKey, notImplemented, preconditionFailed, S3Error } from '../errors';
import { copySource } from '../http/copy-source';
import { headerOf, type S3Request } from '../http/request';
import { isoTime, sendXml } from '../http/responses';
import { newChecksum } from '../store/checksums';
import { tempPath } from '../store/files';
import type { ObjectMeta } from '../store/object-store';
import { noSuchVersion, readableVersion } from '../store/versions';
import { partNumberOf, uploadIdOf, uploadsOf } from './multipart-upload';

/** S3 copies a byte range only out of a source larger than 5 MB (x-amz-copy-source-range). */
const MIN_RANGED_COPY_SOURCE = 5 * 1024 ** 2;
const MAX_COPY_PART = 5 * 1024 ** 3;
/** 1 MiB reads and writes rather than the 64 KiB default: fewer stream turns for the same bytes. */
const COPY_CHUNK = 1024 ** 2;

/**
 * UploadPartCopy (UploadPart with x-amz-copy-source): part `partNumber` of the upload becomes a byte range
 * (`x-amz-copy-source-range: bytes=first-last`, or the whole source) of an object of this server, checked
 * against x-amz-copy-source-if-match. Answers CopyPartResult with the part's ETag and, when the upload was
 * created with a checksum algorithm, its checksum.
 */
export async function uploadPartCopy(request: S3Request): Promise<void> {
  const partNumber = partNumberOf(request.query.get('partNumber'));
  const uploads = uploadsOf(request);
  const uploadId = uploadIdOf(request);
  const { checksumAlgorithm } = await uploads.read(uploadId, request.key);
  for (const name of ['if-none-match', 'if-modified-since', 'if-unmodified-since']) {
    if (headerOf(request, `x-amz-copy-source-${name}`) !== undefined) {
      throw notImplemented(`x-amz-copy-source-${name}`);
    }
  }
  const source = copySource(headerOf(request, 'x-amz-copy-source') ?? '');
  const objects = request.storage.bucket(source.bucket).objects;
  const version = readableVersion(objects, source.key, source.versionId, true);
  const opened = await objects.openObject(source.key, version.versionId);
  if (!opened)
    throw source.versionId === undefined
      ? noSuchKey(source.key)
      : noSuchVersion(source.key, source.versionId);
  const path = tempPath(request.storage.tmpDir);
  try {
    const ifMatch = headerOf(request, 'x-amz-copy-source-if-match');
    if (ifMatch !== undefined && unquote(ifMatch) !== unquote(opened.meta.etag)) {
      throw preconditionFailed('x-amz-copy-source-If-Match');
    }
    const { start, end } = copyRange(headerOf(request, 'x-amz-copy-source-range'), opened.meta);
    const md5 = createHash('md5');
    const crc32 = newChecksum('CRC32');
    const extra =
      checksumAlgorithm && checksumAlgorithm !== 'CRC32' ? newChecksum(checksumAlgorithm) : undefined;
    const digest = new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        md5.update(chunk);
        crc32.update(chunk);
        extra?.update(chunk);
        callback(null, chunk);
      },
    });
    const size = end - start + 1;
    const read =
      size === 0
        ? []
        : opened.file.createReadStream({ start, end, autoClose: false, highWaterMark: COPY_CHUNK });
    await pipeline(read, digest, createWriteStream(path, { flags: 'wx', highWaterMark: COPY_CHUNK }));
    const checksums: Record<string, string> = { CRC32: crc32.digest() };
    if (extra && checksumAlgorithm) checksums[checksumAlgorithm] = extra.digest();
    const etag = `"${md5.digest('hex')}"`;
    await uploads.putPart(uploadId, request.key, path, {
      partNumber,
      size,
      etag,
      lastModified: Date.now(),
      checksums,
    });
    const checksum = checksumAlgorithm
      ? { [`Checksum${checksumAlgorithm}`]: checksums[checksumAlgorithm] }
      : {};
    if (source.versionId !== undefined)
      request.res.setHeader('x-amz-copy-source-version-id', source.versionId);
    sendXml(request.res, 200, 'CopyPartResult', {
      LastModified: isoTime(Math.floor(Date.now() / 1000) * 1000),
      ETag: etag,
      ...checksum,
    });
  } finally {
    await opened.file.close();
    await rm(path, { force: true });
  }
}

function unquote(etag: string): string {
  return etag.trim().replace(/^"|"$/g, '');
}

/** `bytes=first-last`, both given and inside the object; the whole object without the header. */
function copyRange(header: string | undefined, meta: ObjectMeta): { start: number; end: number } {
  if (header === undefined) {
    if (meta.size > MAX_COPY_PART) throw invalidArgument('The specified copy source is larger than 5 GiB.');
    return { start: 0, end: meta.size - 1 };
  }
  const match = /^bytes=(\d+)-(\d+)$/.exec(header.trim());
  if (!match)
    throw invalidArgument('The x-amz-copy-source-range value must be of the form bytes=first-last.');
  const start = Number(match[1]);
  const end = Number(match[2]);
  if (meta.size <= MIN_RANGED_COPY_SOURCE) {
    throw new S3Error(
      400,
      'InvalidRequest',
      'The specified copy source is not supported as a byte-range copy source (it must be larger than 5 MB).',
    );
  }
  if (end < start || end >= meta.size || end - start + 1 > MAX_COPY_PART) {
    throw new S3Error(
      400,
      'InvalidArgument',
      `Range specified is not valid for source object of size: ${meta.size}`,
      { ArgumentName: 'x-amz-copy-source-range', ArgumentValue: header },
    );
  }
  return { start, end };
}
