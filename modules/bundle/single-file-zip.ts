import { crc32, deflateRawSync } from 'node:zlib';

/** MS-DOS date 1980-01-01, time 00:00: the zip format's epoch, so the archive never records a build time. */
const DOS_DATE = (0 << 9) | (1 << 5) | 1;
const DOS_TIME = 0;
/** Made by Unix (3), zip spec 2.0: readers then honour the file mode in the external attributes. */
const MADE_BY_UNIX = (3 << 8) | 20;
const VERSION_NEEDED = 20;
const DEFLATE = 8;
/** A regular file, rw-r--r--. */
const FILE_MODE = 0o100644;

/**
 * A zip archive holding one file, byte-for-byte the same for the same content: no timestamps, fixed mode,
 * no extra fields. (cdktf's ARCHIVE asset stamps each entry with the file's mtime and spawns a process per
 * asset; this is synchronous and deterministic.)
 */
export function singleFileZip(name: string, content: Buffer): Buffer {
  const fileName = Buffer.from(name, 'utf8');
  const compressed = deflateRawSync(content, { level: 9 });
  const checksum = crc32(content);

  // The local header and the central directory entry share one run of fields (version needed .. name length).
  const entryFields = (header: Buffer, at: number) => {
    header.writeUInt16LE(VERSION_NEEDED, at);
    header.writeUInt16LE(0, at + 2); // flags
    header.writeUInt16LE(DEFLATE, at + 4);
    header.writeUInt16LE(DOS_TIME, at + 6);
    header.writeUInt16LE(DOS_DATE, at + 8);
    header.writeUInt32LE(checksum, at + 10);
    header.writeUInt32LE(compressed.length, at + 14);
    header.writeUInt32LE(content.length, at + 18);
    header.writeUInt16LE(fileName.length, at + 22);
  };

  const local = Buffer.alloc(30); // extra field length at 28 stays 0
  local.writeUInt32LE(0x04034b50, 0);
  entryFields(local, 4);

  const central = Buffer.alloc(46);
  central.writeUInt32LE(0x02014b50, 0);
  central.writeUInt16LE(MADE_BY_UNIX, 4);
  entryFields(central, 6);
  // extra length, comment length, disk number, internal attributes: all 0 (offsets 30..37)
  central.writeUInt32LE((FILE_MODE << 16) >>> 0, 38);
  central.writeUInt32LE(0, 42); // offset of the local header

  const centralOffset = local.length + fileName.length + compressed.length;
  const centralSize = central.length + fileName.length;
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(1, 8); // entries on this disk
  end.writeUInt16LE(1, 10); // entries in total
  end.writeUInt32LE(centralSize, 12);
  end.writeUInt32LE(centralOffset, 16);

  return Buffer.concat([local, fileName, compressed, central, fileName, end]);
}
