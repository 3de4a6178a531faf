// The zip benchmark's check that an archive it measured is sound: read back with yauzl through ranged
// GetObjects (no copy on disk, so GiB archives stay cheap), every entry's name, size and CRC-32 must be
// its source's. Run with `npm run bench -- --verify`.
import { PassThrough, Readable } from 'node:stream';
import { crc32 } from 'node:zlib';
import { GetObjectCommand, HeadObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { type Entry, fromRandomAccessReaderPromise, RandomAccessReader } from 'yauzl';

export interface ExpectedEntry {
  readonly name: string;
  readonly size: number;
  readonly crc32: number;
}

export interface Verified {
  readonly entries: number;
  /** Entries whose central record carries a ZIP64 extra field (offsets or sizes above 4 GiB). */
  readonly zip64Entries: number;
}

const ZIP64_EXTRA_FIELD = 0x0001;

/** yauzl's random access, one ranged GetObject per read. */
class S3RangeReader extends RandomAccessReader {
  constructor(
    private readonly s3: S3Client,
    private readonly bucket: string,
    private readonly key: string,
  ) {
    super();
  }

  override _readStreamForRange(start: number, end: number): Readable {
    if (end <= start) return Readable.from([]);
    const stream = new PassThrough();
    const get = new GetObjectCommand({
      Bucket: this.bucket,
      Key: this.key,
      Range: `bytes=${start}-${end - 1}`,
    });
    this.s3.send(get).then(
      ({ Body }) => (Body as Readable).on('error', (error) => stream.destroy(error)).pipe(stream),
      (error: Error) => stream.destroy(error),
    );
    return stream;
  }
}

/** Reads the archive at `key` and throws, naming the entry, unless it holds exactly `expected`, in order. */
export async function verifyArchive(
  s3: S3Client,
  bucket: string,
  key: string,
  expected: readonly ExpectedEntry[],
): Promise<Verified> {
  const { ContentLength } = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
  const reader = new S3RangeReader(s3, bucket, key);
  const zip = await fromRandomAccessReaderPromise(reader, ContentLength ?? 0, {
    lazyEntries: true,
    strictFileNames: true,
  });
  if (zip.entryCount !== expected.length) {
    throw new Error(`archive has ${zip.entryCount} entries, expected ${expected.length}`);
  }
  let index = 0;
  let zip64Entries = 0;
  const check = async (entry: Entry) => {
    const want = expected[index];
    if (entry.fileName !== want.name)
      throw new Error(`entry ${index} is ${entry.fileName}, expected ${want.name}`);
    if (entry.uncompressedSize !== want.size) throw new Error(`${want.name}: size ${entry.uncompressedSize}`);
    let crc = 0;
    for await (const chunk of await zip.openReadStreamPromise(entry)) crc = crc32(chunk as Buffer, crc);
    if (crc !== want.crc32 || entry.crc32 !== want.crc32) throw new Error(`${want.name}: CRC-32 differs`);
    if (entry.extraFields.some((field) => field.id === ZIP64_EXTRA_FIELD)) zip64Entries++;
    index++;
  };
  await new Promise<void>((resolve, reject) => {
    zip.on('entry', (entry: Entry) => check(entry).then(() => zip.readEntry(), reject));
    zip.on('end', resolve);
    zip.on('error', reject);
    zip.readEntry();
  });
  return { entries: index, zip64Entries };
}
