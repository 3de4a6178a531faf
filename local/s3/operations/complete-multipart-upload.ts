import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import { crc32Base64, crc32OfBase64 } from '../../../handlers/lib/s3/crc32';
import { crc32Combine } from '../../../handlers/lib/s3/crc32-combine';
import { malformedXml, S3Error } from '../errors';
import { writeConditions } from '../http/conditions';
import { versionHeader } from '../http/object-headers';
import { receiveText } from '../http/receive';
import type { S3Request } from '../http/request';
import { sendXml } from '../http/responses';
import { leafRecords, readXmlBody } from '../http/xml-body';
import { CHECKSUM_ALGORITHMS, type ChecksumAlgorithm, compositeChecksum } from '../store/checksums';
import { tempPath } from '../store/files';
import type { ObjectMeta } from '../store/object-store';
import type { PartMeta, UploadMeta } from '../store/upload-store';
import { commitAndNotify, wholeSeconds } from './commit';
import { partNumberOf, uploadIdOf, uploadsOf } from './multipart-upload';

const MIN_PART_SIZE = 5 * 1024 ** 2;
const MAX_COMPLETE_BODY = 4 * 1024 ** 2;
/** Read and write in 1 MiB chunks: 16× fewer stream turns than the 64 KiB default; measured ~40 % faster. */
const JOIN_CHUNK = 1024 ** 2;

interface RequestedPart {
  readonly partNumber: number;
  readonly etag: string;
  readonly checksums: Partial<Record<ChecksumAlgorithm, string>>;
}

function requestedParts(xml: string): RequestedPart[] {
  const body = readXmlBody(xml, 'CompleteMultipartUpload');
  const parts = body && leafRecords(body, 'Part');
  if (!parts || parts.length === 0) throw malformedXml();
  return parts.map((fields) => {
    if (fields.PartNumber === undefined || fields.ETag === undefined) throw malformedXml();
    const checksums: RequestedPart['checksums'] = {};
    for (const algorithm of CHECKSUM_ALGORITHMS) {
      if (fields[`Checksum${algorithm}`] !== undefined) checksums[algorithm] = fields[`Checksum${algorithm}`];
    }
    return {
      partNumber: partNumberOf(fields.PartNumber),
      etag: fields.ETag.replace(/^"|"$/g, ''),
      checksums,
    };
  });
}

const invalidPart = (partNumber: number) =>
  new S3Error(
    400,
    'InvalidPart',
    "One or more of the specified parts could not be found. The part might not have been uploaded, or the specified entity tag might not have matched the part's entity tag.",
    { PartNumber: String(partNumber) },
  );

/** The stored parts that `requested` names, checked as S3 does: order, existence, ETags, sizes. */
function chosenParts(requested: RequestedPart[], stored: PartMeta[]): PartMeta[] {
  const byNumber = new Map(stored.map((part) => [part.partNumber, part]));
  if (requested.some((want, index) => index > 0 && want.partNumber <= requested[index - 1].partNumber)) {
    throw new S3Error(
      400,
      'InvalidPartOrder',
      'The list of parts was not in ascending order. The parts list must be specified in order by part number.',
    );
  }
  return requested.map((want, index) => {
    const part = byNumber.get(want.partNumber);
    if (!part || part.etag !== `"${want.etag}"`) throw invalidPart(want.partNumber);
    for (const [algorithm, value] of Object.entries(want.checksums)) {
      if (part.checksums[algorithm as ChecksumAlgorithm] !== value) throw invalidPart(want.partNumber);
    }
    if (index < requested.length - 1 && part.size < MIN_PART_SIZE) {
      throw new S3Error(
        400,
        'EntityTooSmall',
        'Your proposed upload is smaller than the minimum allowed size',
        {
          ProposedSize: String(part.size),
          MinSizeAllowed: String(MIN_PART_SIZE),
          PartNumber: String(part.partNumber),
        },
      );
    }
    return part;
  });
}

/** The CRC32 of the parts joined, from each part's CRC32 and size. */
function objectCrc32(parts: readonly PartMeta[]): string {
  let crc = 0;
  for (const part of parts) {
    const partCrc = crc32OfBase64(part.checksums.CRC32);
    if (partCrc === undefined) throw new Error(`Part ${part.partNumber} has no CRC32.`);
    crc = crc32Combine(crc, partCrc, part.size);
  }
  return crc32Base64(crc);
}

/**
 * The object's checksums: its CRC32, or for a COMPOSITE upload only the checksum of the parts' checksums
 * (S3 then has no full-object value) and the parts, for GetObjectAttributes.
 */
function finalChecksums(
  upload: UploadMeta,
  parts: readonly PartMeta[],
  fullCrc32: string,
): Pick<ObjectMeta, 'checksums' | 'composite'> {
  const algorithm = upload.checksumAlgorithm;
  if (!algorithm || upload.checksumType !== 'COMPOSITE') return { checksums: { CRC32: fullCrc32 } };
  const partChecksums = parts.map((part) => {
    const checksum = part.checksums[algorithm];
    if (checksum === undefined) throw invalidPart(part.partNumber);
    return checksum;
  });
  return {
    checksums: { [algorithm]: compositeChecksum(algorithm, partChecksums) },
    composite: {
      algorithm,
      parts: parts.map((part, index) => ({ size: part.size, checksum: partChecksums[index] })),
    },
  };
}

/**
 * CompleteMultipartUpload: joins the named parts into one data file and commits it with AWS's multipart
 * ETag, `"<md5 of the parts' binary md5s>-<count>"`. The object's CRC32 is combined from the parts' own
 * (every part keeps one), so the bytes are read once, for the join only.
 */
export async function completeMultipartUpload(request: S3Request): Promise<void> {
  const { bucket, key, storage } = request;
  const check = writeConditions(request);
  const requested = requestedParts(await receiveText(request, MAX_COMPLETE_BODY));
  const uploads = uploadsOf(request);
  const meta = await uploads.withUpload(uploadIdOf(request), key, async (upload) => {
    const parts = chosenParts(requested, await uploads.parts(upload.uploadId));
    const path = tempPath(storage.tmpDir);
    const etags = createHash('md5');
    for (const part of parts) etags.update(Buffer.from(part.etag.slice(1, -1), 'hex'));
    const joined = async function* (partPaths: string[]) {
      for (const partPath of partPaths) yield* createReadStream(partPath, { highWaterMark: JOIN_CHUNK });
    };
    try {
      const partPaths = parts.map((part) => uploads.partPath(upload.uploadId, part));
      await pipeline(joined(partPaths), createWriteStream(path, { flags: 'wx', highWaterMark: JOIN_CHUNK }));
    } catch (error) {
      await rm(path, { force: true });
      throw error;
    }
    const size = parts.reduce((sum, part) => sum + part.size, 0);
    const etag = `"${etags.digest('hex')}-${parts.length}"`;
    const committed = await commitAndNotify(request, { bucket, key, etag, size }, () =>
      storage.bucket(bucket).objects.commit(
        key,
        path,
        {
          contentType: upload.contentType,
          headers: upload.headers,
          metadata: upload.metadata,
          size,
          etag,
          lastModified: wholeSeconds(Date.now()),
          ...finalChecksums(upload, parts, objectCrc32(parts)),
        },
        check,
      ),
    );
    await uploads.remove(upload.uploadId);
    return committed;
  });
  const version = versionHeader(storage.bucket(bucket).objects, meta);
  for (const [name, value] of Object.entries(version)) request.res.setHeader(name, value);
  sendXml(request.res, 200, 'CompleteMultipartUploadResult', {
    Location: `/${bucket}/${encodeURIComponent(key)}`,
    Bucket: bucket,
    Key: key,
    ETag: meta.etag,
  });
}
