import { pipeline } from 'node:stream/promises';
import { notImplemented, preconditionFailed } from '../errors';
import { byteRange, readCondition } from '../http/conditions';
import { checksumHeaders, objectResponseHeaders, versionHeader } from '../http/object-headers';
import { headerOf, type S3Request } from '../http/request';
import { checkedVersionId } from '../http/version-id';
import { openVersion } from '../store/versions';

/** Larger reads than the 64 KiB default: fewer writes to the socket, with memory still bounded. */
const READ_CHUNK = 1024 ** 2;

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
