import { invalidArgument, noSuchKey } from '../errors';
import { headerOf, type S3Request } from '../http/request';
import { sendXml } from '../http/responses';

const ATTRIBUTES = ['ETag', 'Checksum', 'ObjectParts', 'StorageClass', 'ObjectSize'] as const;
const MAX_PARTS = 1000;

/**
 * GetObjectAttributes (`GET /bucket/key?attributes`, `x-amz-object-attributes` naming what to return):
 * what the zip worker reads for a COMPOSITE multipart object, whose own checksum is not the file's:
 * each part's size and checksum, paged by x-amz-max-parts and x-amz-part-number-marker.
 */
export function getObjectAttributes(request: S3Request): void {
  const wanted = (headerOf(request, 'x-amz-object-attributes') ?? '').split(',').map((name) => name.trim());
  if (wanted.some((name) => !ATTRIBUTES.includes(name as (typeof ATTRIBUTES)[number])) || !wanted[0]) {
    throw invalidArgument('Invalid attribute name specified.', 'x-amz-object-attributes', wanted.join(','));
  }
  const meta = request.storage.bucket(request.bucket).objects.get(request.key);
  if (!meta) throw noSuchKey(request.key);
  const maxParts = pageSize(headerOf(request, 'x-amz-max-parts'));
  const marker = Number(headerOf(request, 'x-amz-part-number-marker') ?? 0) || 0;
  const composite = meta.composite;
  const checksumName = composite && `Checksum${composite.algorithm}`;
  const numbered = (composite?.parts ?? []).map((part, index) => ({ number: index + 1, ...part }));
  const page = numbered.filter((part) => part.number > marker).slice(0, maxParts);
  const want = (name: (typeof ATTRIBUTES)[number]) => wanted.includes(name);
  request.res.setHeader('Last-Modified', new Date(meta.lastModified).toUTCString());
  sendXml(request.res, 200, 'GetObjectAttributesResponse', {
    ETag: want('ETag') ? meta.etag.replace(/^"|"$/g, '') : undefined,
    Checksum: want('Checksum')
      ? {
          ...Object.fromEntries(
            Object.entries(meta.checksums).map(([algorithm, value]) => [`Checksum${algorithm}`, value]),
          ),
          ChecksumType: composite ? 'COMPOSITE' : 'FULL_OBJECT',
        }
      : undefined,
    // As in S3: only a multipart object uploaded with checksums lists its parts.
    ObjectParts:
      want('ObjectParts') && composite && checksumName
        ? {
            PartsCount: numbered.length, // the SDK names it TotalPartsCount
            PartNumberMarker: marker,
            NextPartNumberMarker: page.at(-1)?.number ?? marker,
            MaxParts: maxParts,
            IsTruncated: (page.at(-1)?.number ?? marker) < numbered.length,
            Part: page.map((part) => ({
              PartNumber: part.number,
              Size: part.size,
              [checksumName]: part.checksum,
            })),
          }
        : undefined,
    StorageClass: want('StorageClass') ? 'STANDARD' : undefined,
    ObjectSize: want('ObjectSize') ? meta.size : undefined,
  });
}

function pageSize(value: string | undefined): number {
  if (value === undefined) return MAX_PARTS;
  const number = Number(value);
  if (!/^\d+$/.test(value) || number < 0)
    throw invalidArgument('Invalid max parts.', 'x-amz-max-parts', value);
  return Math.min(number, MAX_PARTS);
}
