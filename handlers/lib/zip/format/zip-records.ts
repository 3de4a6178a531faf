/**
 * The zip records the copy engine writes around its entries (stored, or deflated as yazl deflates), laid out as yazl lays them out (APPNOTE
 * 6.3: UTF-8 names, Unix "made by", an Info-ZIP timestamp in the central directory, ZIP64 records per
 * entry when a size or an offset needs them), so that both engines' archives read alike.
 */

const LOCAL_HEADER_FIXED = 30;
const CENTRAL_RECORD_FIXED = 46;
const DATA_DESCRIPTOR = 16;
const ZIP64_DATA_DESCRIPTOR = 24;
const LOCAL_ZIP64_EXTRA = 20;
const CENTRAL_ZIP64_EXTRA = 28;
const TIMESTAMP_EXTRA = 9;
const END_RECORD = 22;
const ZIP64_END_RECORD = 56;
const ZIP64_END_LOCATOR = 20;
const UTF8_NAME = 1 << 11;
const DATA_DESCRIPTOR_FOLLOWS = 1 << 3;
const STORED = 0;
const DEFLATED = 8;
const VERSION_NEEDED = 20;
const VERSION_NEEDED_ZIP64 = 45;
const VERSION_MADE_BY = (3 << 8) | 63;
/** -rw-rw-r--, yazl's default for files. */
const FILE_ATTRIBUTES = (0o100664 << 16) >>> 0;
const MAX_32 = 0xffffffff;

/** What the records say about one entry. */
export interface RecordEntry {
  readonly name: Buffer;
  /** The file's size. */
  readonly size: number;
  /** Its bytes in the archive: the deflated size when `deflated`, else `size`. */
  readonly dataSize: number;
  /** Method 8 (raw deflate) rather than 0 (stored). */
  readonly deflated: boolean;
  /** Where its local header starts in the archive. */
  readonly offset: number;
  readonly mtime: Date;
  /** False: the CRC-32 follows the data in a data descriptor (it is computed while the data streams). */
  readonly crcInHeader: boolean;
  readonly forceZip64: boolean;
}

/** Whether the entry needs ZIP64 fields: yazl's rule (a size or offset above 0xfffffffe, or forced). */
export function needsZip64(entry: Pick<RecordEntry, 'size' | 'offset' | 'forceZip64'>): boolean {
  return entry.forceZip64 || entry.size > MAX_32 - 1 || entry.offset > MAX_32 - 1;
}

/** The local header carries ZIP64 sizes only when the size needs them (or ZIP64 is forced). */
function localZip64(entry: RecordEntry): boolean {
  return entry.crcInHeader && (entry.forceZip64 || entry.size > MAX_32 - 1);
}

export function localHeaderSize(
  entry: Pick<RecordEntry, 'name' | 'size' | 'crcInHeader' | 'forceZip64'>,
): number {
  const zip64 = entry.crcInHeader && (entry.forceZip64 || entry.size > MAX_32 - 1);
  return LOCAL_HEADER_FIXED + entry.name.length + (zip64 ? LOCAL_ZIP64_EXTRA : 0);
}

export function dataDescriptorSize(
  entry: Pick<RecordEntry, 'size' | 'offset' | 'forceZip64' | 'crcInHeader'>,
): number {
  if (entry.crcInHeader) return 0;
  return needsZip64(entry) ? ZIP64_DATA_DESCRIPTOR : DATA_DESCRIPTOR;
}

export function centralRecordSize(
  entry: Pick<RecordEntry, 'name' | 'size' | 'offset' | 'forceZip64'>,
): number {
  return (
    CENTRAL_RECORD_FIXED + entry.name.length + TIMESTAMP_EXTRA + (needsZip64(entry) ? CENTRAL_ZIP64_EXTRA : 0)
  );
}

export function localHeader(entry: RecordEntry, crc: number): Buffer {
  const zip64 = localZip64(entry);
  const header = Buffer.alloc(localHeaderSize(entry));
  const { time, date } = dosDateTime(entry.mtime);
  header.writeUInt32LE(0x04034b50, 0);
  header.writeUInt16LE(zip64 ? VERSION_NEEDED_ZIP64 : VERSION_NEEDED, 4);
  header.writeUInt16LE(UTF8_NAME | (entry.crcInHeader ? 0 : DATA_DESCRIPTOR_FOLLOWS), 6);
  header.writeUInt16LE(entry.deflated ? DEFLATED : STORED, 8);
  header.writeUInt16LE(time, 10);
  header.writeUInt16LE(date, 12);
  if (entry.crcInHeader) {
    header.writeUInt32LE(crc >>> 0, 14);
    header.writeUInt32LE(zip64 ? MAX_32 : entry.dataSize, 18);
    header.writeUInt32LE(zip64 ? MAX_32 : entry.size, 22);
  }
  header.writeUInt16LE(entry.name.length, 26);
  header.writeUInt16LE(zip64 ? LOCAL_ZIP64_EXTRA : 0, 28);
  entry.name.copy(header, LOCAL_HEADER_FIXED);
  if (zip64) {
    const extra = LOCAL_HEADER_FIXED + entry.name.length;
    header.writeUInt16LE(0x0001, extra);
    header.writeUInt16LE(LOCAL_ZIP64_EXTRA - 4, extra + 2);
    header.writeBigUInt64LE(BigInt(entry.size), extra + 4);
    header.writeBigUInt64LE(BigInt(entry.dataSize), extra + 12);
  }
  return header;
}

export function dataDescriptor(entry: RecordEntry, crc: number): Buffer {
  const descriptor = Buffer.alloc(dataDescriptorSize(entry));
  descriptor.writeUInt32LE(0x08074b50, 0);
  descriptor.writeUInt32LE(crc >>> 0, 4);
  if (needsZip64(entry)) {
    descriptor.writeBigUInt64LE(BigInt(entry.dataSize), 8);
    descriptor.writeBigUInt64LE(BigInt(entry.size), 16);
  } else {
    descriptor.writeUInt32LE(entry.dataSize, 8);
    descriptor.writeUInt32LE(entry.size, 12);
  }
  return descriptor;
}

export function centralRecord(entry: RecordEntry, crc: number): Buffer {
  const zip64 = needsZip64(entry);
  const record = Buffer.alloc(centralRecordSize(entry));
  const { time, date } = dosDateTime(entry.mtime);
  record.writeUInt32LE(0x02014b50, 0);
  record.writeUInt16LE(VERSION_MADE_BY, 4);
  record.writeUInt16LE(zip64 ? VERSION_NEEDED_ZIP64 : VERSION_NEEDED, 6);
  record.writeUInt16LE(UTF8_NAME | (entry.crcInHeader ? 0 : DATA_DESCRIPTOR_FOLLOWS), 8);
  record.writeUInt16LE(entry.deflated ? DEFLATED : STORED, 10);
  record.writeUInt16LE(time, 12);
  record.writeUInt16LE(date, 14);
  record.writeUInt32LE(crc >>> 0, 16);
  record.writeUInt32LE(zip64 ? MAX_32 : entry.dataSize, 20);
  record.writeUInt32LE(zip64 ? MAX_32 : entry.size, 24);
  record.writeUInt16LE(entry.name.length, 28);
  record.writeUInt16LE(TIMESTAMP_EXTRA + (zip64 ? CENTRAL_ZIP64_EXTRA : 0), 30);
  record.writeUInt32LE(FILE_ATTRIBUTES, 38);
  record.writeUInt32LE(zip64 ? MAX_32 : entry.offset, 42);
  let at = CENTRAL_RECORD_FIXED;
  at += entry.name.copy(record, at);
  record.writeUInt16LE(0x5455, at);
  record.writeUInt16LE(TIMESTAMP_EXTRA - 4, at + 2);
  record.writeUInt8(0b11, at + 4); // mtime (and atime, as Info-ZIP sets it)
  record.writeInt32LE(
    Math.max(-0x80000000, Math.min(0x7fffffff, Math.floor(entry.mtime.getTime() / 1000))),
    at + 5,
  );
  at += TIMESTAMP_EXTRA;
  if (zip64) {
    record.writeUInt16LE(0x0001, at);
    record.writeUInt16LE(CENTRAL_ZIP64_EXTRA - 4, at + 2);
    record.writeBigUInt64LE(BigInt(entry.size), at + 4);
    record.writeBigUInt64LE(BigInt(entry.dataSize), at + 12);
    record.writeBigUInt64LE(BigInt(entry.offset), at + 20);
  }
  return record;
}

export interface Directory {
  readonly entries: number;
  readonly offset: number;
  readonly size: number;
  readonly forceZip64: boolean;
}

function directoryNeedsZip64(directory: Directory): boolean {
  return (
    directory.forceZip64 ||
    directory.entries >= 0xffff ||
    directory.size >= MAX_32 ||
    directory.offset >= MAX_32
  );
}

export function endRecordsSize(directory: Directory): number {
  return END_RECORD + (directoryNeedsZip64(directory) ? ZIP64_END_RECORD + ZIP64_END_LOCATOR : 0);
}

/** The ZIP64 end record and locator when needed, then the end of central directory record. */
export function endRecords(directory: Directory): Buffer {
  const zip64 = directoryNeedsZip64(directory);
  const records = Buffer.alloc(endRecordsSize(directory));
  let at = 0;
  if (zip64) {
    records.writeUInt32LE(0x06064b50, 0);
    records.writeBigUInt64LE(BigInt(ZIP64_END_RECORD - 12), 4);
    records.writeUInt16LE(VERSION_MADE_BY, 12);
    records.writeUInt16LE(VERSION_NEEDED_ZIP64, 14);
    records.writeBigUInt64LE(BigInt(directory.entries), 24);
    records.writeBigUInt64LE(BigInt(directory.entries), 32);
    records.writeBigUInt64LE(BigInt(directory.size), 40);
    records.writeBigUInt64LE(BigInt(directory.offset), 48);
    records.writeUInt32LE(0x07064b50, 56);
    records.writeBigUInt64LE(BigInt(directory.offset + directory.size), 64);
    records.writeUInt32LE(1, 72);
    at = ZIP64_END_RECORD + ZIP64_END_LOCATOR;
  }
  const entries = directory.forceZip64 || directory.entries >= 0xffff ? 0xffff : directory.entries;
  records.writeUInt32LE(0x06054b50, at);
  records.writeUInt16LE(entries, at + 8);
  records.writeUInt16LE(entries, at + 10);
  records.writeUInt32LE(directory.forceZip64 || directory.size >= MAX_32 ? MAX_32 : directory.size, at + 12);
  records.writeUInt32LE(
    directory.forceZip64 || directory.offset >= MAX_32 ? MAX_32 : directory.offset,
    at + 16,
  );
  return records;
}

/** MS-DOS date and time in local time, as yazl writes them (clamped to 1980–2107). */
function dosDateTime(date: Date): { time: number; date: number } {
  const min = new Date(1980, 0, 1);
  const max = new Date(2107, 11, 31, 23, 59, 58);
  const d = date < min ? min : date > max ? max : date;
  return {
    time: (d.getHours() << 11) | (d.getMinutes() << 5) | Math.floor(d.getSeconds() / 2),
    date: ((d.getFullYear() - 1980) << 9) | ((d.getMonth() + 1) << 5) | d.getDate(),
  };
}
