import { writeConditions } from '../http/conditions';
import { checksumHeaders, objectAttributes, versionHeader } from '../http/object-headers';
import { MAX_UPLOAD_SIZE, receiveToFile } from '../http/receive';
import type { S3Request } from '../http/request';
import { sendEmpty } from '../http/responses';
import { commitAndNotify, wholeSeconds } from './commit';

/** PutObject: the body streams to a temp file, checked as it arrives, then becomes the current version. */
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
        lastModified: wholeSeconds(Date.now()),
        checksums: payload.checksums,
      },
      check,
    ),
  );
  const checksums = request.payload.checksum ? checksumHeaders(meta) : {};
  const version = versionHeader(storage.bucket(bucket).objects, meta);
  sendEmpty(request.res, 200, { ETag: meta.etag, ...checksums, ...version });
}
