import { buffer } from 'node:stream/consumers';
import { crc32 } from 'node:zlib';
import { type Entry, fromBufferPromise } from 'yauzl';

export interface UnzippedEntry {
  readonly name: string;
  readonly data: Buffer;
  /** 0 stored, 8 deflated. */
  readonly compressionMethod: number;
  /** Whether the central directory record carries a ZIP64 extra field. */
  readonly zip64: boolean;
  /** The data descriptor after the data (general-purpose bit 3), read with ZIP64 sizes when `zip64`. */
  readonly descriptor?: { crc32: number; compressedSize: number; uncompressedSize: number };
}

export interface Unzipped {
  readonly entries: UnzippedEntry[];
  /** Whether the archive ends with the ZIP64 end of central directory locator and record. */
  readonly zip64End: boolean;
}

const ZIP64_EXTRA_FIELD = 0x0001;
const DATA_DESCRIPTOR_FOLLOWS = 1 << 3;
const DATA_DESCRIPTOR_SIGNATURE = 0x08074b50;
const ZIP64_LOCATOR_SIGNATURE = 0x07064b50;
const END_RECORD_SIZE = 22; // without a comment
const ZIP64_LOCATOR_SIZE = 20;

/** Reads a whole archive with yauzl, which checks the sizes; the CRC-32 of every entry is checked here. */
export async function unzip(archive: Buffer): Promise<Unzipped> {
  const zip = await fromBufferPromise(archive, { lazyEntries: true, strictFileNames: true });
  const entries: UnzippedEntry[] = [];
  await new Promise<void>((resolve, reject) => {
    zip.on('entry', async (entry: Entry) => {
      try {
        const data = await buffer(await zip.openReadStreamPromise(entry));
        if (crc32(data) !== entry.crc32) throw new Error(`CRC-32 mismatch in ${entry.fileName}`);
        const zip64 = entry.extraFields.some((field) => field.id === ZIP64_EXTRA_FIELD);
        const descriptor =
          entry.generalPurposeBitFlag & DATA_DESCRIPTOR_FOLLOWS
            ? dataDescriptor(archive, entry, zip64)
            : undefined;
        entries.push({
          name: entry.fileName,
          data,
          compressionMethod: entry.compressionMethod,
          zip64,
          descriptor,
        });
        zip.readEntry();
      } catch (error) {
        reject(error);
      }
    });
    zip.on('end', resolve);
    zip.on('error', reject);
    zip.readEntry();
  });
  const locator = archive.length - END_RECORD_SIZE - ZIP64_LOCATOR_SIZE;
  return { entries, zip64End: locator >= 0 && archive.readUInt32LE(locator) === ZIP64_LOCATOR_SIGNATURE };
}

/** The data descriptor that follows an entry's data: found from its local header and compressed size. */
function dataDescriptor(archive: Buffer, entry: Entry, zip64: boolean): UnzippedEntry['descriptor'] {
  const header = entry.relativeOffsetOfLocalHeader;
  const data = header + 30 + archive.readUInt16LE(header + 26) + archive.readUInt16LE(header + 28);
  const at = data + entry.compressedSize;
  if (archive.readUInt32LE(at) !== DATA_DESCRIPTOR_SIGNATURE)
    throw new Error(`no data descriptor in ${entry.fileName}`);
  const size = (offset: number) =>
    zip64 ? Number(archive.readBigUInt64LE(at + 8 + 2 * offset)) : archive.readUInt32LE(at + 8 + offset);
  return { crc32: archive.readUInt32LE(at + 4), compressedSize: size(0), uncompressedSize: size(4) };
}
