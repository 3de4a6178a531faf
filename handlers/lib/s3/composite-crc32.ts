import { crc32 } from 'node:zlib';
import { GetObjectAttributesCommand, type S3Client } from '@aws-sdk/client-s3';
import type { ObjectKey } from '../files/keys';
import { crc32OfBase64 } from './crc32';
import { crc32Combine } from './crc32-combine';

/** S3's COMPOSITE CRC32 of a multipart object: the CRC32 of its parts' CRC32s, then `-<parts>`. */
const COMPOSITE = /^([A-Za-z0-9+/]{5}[AQgw]==)-(\d+)$/;
/** GetObjectAttributes lists at most 1,000 parts per page. */
const PAGE = 1000;

export function isCompositeCrc32(value: string | undefined): boolean {
  return value !== undefined && COMPOSITE.test(value);
}

export interface CompositeSource {
  readonly bucket: string;
  readonly key: ObjectKey;
  /** HeadObject's ChecksumCRC32, `<base64>-<parts>`. */
  readonly composite: string;
  /** HeadObject's ETag and size: the parts must be those of this very version. */
  readonly etag: string | undefined;
  readonly size: number;
}

/**
 * The whole object's CRC-32 from its parts' CRC-32s and sizes (GetObjectAttributes, ObjectParts), joined
 * with crc32_combine, as boto's s3transfer does; only when the parts add up to HeadObject's composite
 * value, part count, size and ETag. Undefined when S3 lists no usable parts: such a file is streamed.
 */
export async function combinedCrc32(
  s3: S3Client,
  source: CompositeSource,
  options: { abortSignal?: AbortSignal } = {},
): Promise<number | undefined> {
  const match = COMPOSITE.exec(source.composite);
  if (!match) return undefined;
  const count = Number(match[2]);
  const parts: { crc: number; size: number }[] = [];
  let marker: string | undefined;
  do {
    const page = await s3.send(
      new GetObjectAttributesCommand({
        Bucket: source.bucket,
        Key: source.key,
        ObjectAttributes: ['ETag', 'ObjectParts', 'ObjectSize'],
        MaxParts: PAGE,
        PartNumberMarker: marker,
      }),
      options,
    );
    if (unquoted(page.ETag) !== unquoted(source.etag) || page.ObjectSize !== source.size) return undefined;
    for (const part of page.ObjectParts?.Parts ?? []) {
      const crc = crc32OfBase64(part.ChecksumCRC32);
      if (crc === undefined || part.Size === undefined) return undefined;
      parts.push({ crc, size: part.Size });
    }
    const next = page.ObjectParts?.NextPartNumberMarker;
    marker = page.ObjectParts?.IsTruncated && next !== undefined ? String(next) : undefined;
  } while (marker !== undefined && parts.length < count);
  if (parts.length !== count || parts.reduce((sum, part) => sum + part.size, 0) !== source.size)
    return undefined;
  // The parts' CRCs must make the composite value S3 gave: else they are not this object's parts.
  const joined = Buffer.alloc(4 * count);
  parts.forEach((part, index) => {
    joined.writeUInt32BE(part.crc, 4 * index);
  });
  if (crc32(joined) !== crc32OfBase64(match[1])) return undefined;
  return parts.reduce(
    (whole, part, index) => (index === 0 ? part.crc : crc32Combine(whole, part.crc, part.size)),
    0,
  );
}

const unquoted = (etag: string | undefined) => etag?.replace(/^"|"$/g, '');
