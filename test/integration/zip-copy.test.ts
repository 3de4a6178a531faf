import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline, type Readable, Transform } from 'node:stream';
import { promisify } from 'node:util';
import { crc32 } from 'node:zlib';
import {
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  GetObjectAttributesCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  PutObjectCommand,
  type S3Client,
  UploadPartCommand,
  UploadPartCopyCommand,
} from '@aws-sdk/client-s3';
import { expect } from 'chai';
import sinon from 'sinon';
import { type S3Server, startS3Server } from '../../devtools/local-s3';
import { crc32Base64 } from '../../handlers/lib/s3/crc32';
import { type CopyZipOptions, zipByCopy } from '../../handlers/lib/zip/copy';
import { ZipFailedError } from '../../handlers/lib/zip/errors';
import type { ZipEntry } from '../../handlers/lib/zip/stream';
import { objectKey } from '../support/objects';
import { unzip } from '../support/unzip';

const MiB = 1024 * 1024;
type Send = (command: unknown, options?: unknown) => Promise<unknown>;

/** `unzip -t` (Info-ZIP, Debian's `unzip`): tests every entry's CRC-32 as a second, independent reader. */
async function unzipTest(archive: Buffer): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'zip-copy-'));
  try {
    await writeFile(join(dir, 'a.zip'), archive);
    const { stdout } = await promisify(execFile)('unzip', ['-t', join(dir, 'a.zip')]);
    return stdout;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Text that deflates as real exports do: rows of a CSV, lines of a log, records of JSON. */
function text(kind: 'csv' | 'log' | 'json', size: number): Buffer {
  const lines: string[] = [];
  let length = 0;
  for (let i = 0; length < size; i++) {
    const line =
      kind === 'csv'
        ? `${i},user-${i % 97},${(i * 7919) % 100_000},2026-11-${(i % 28) + 1},ok\n`
        : kind === 'log'
          ? `2026-11-27T02:${String(i % 60).padStart(2, '0')}:00Z INFO request ${i} took ${i % 250} ms\n`
          : `{"id":${i},"name":"item ${i % 1000}","tags":["a","b"],"price":${(i * 31) % 999}}\n`;
    lines.push(line);
    length += line.length;
  }
  return Buffer.from(lines.join('')).subarray(0, size);
}

async function readArchive(s3: S3Server, key: string): Promise<Buffer> {
  const got = await s3.client.send(new GetObjectCommand({ Bucket: s3.bucket, Key: key }));
  return Buffer.from((await got.Body?.transformToByteArray()) ?? []);
}

// local/s3: it streams objects to disk, checks signatures and the copy rules (ranges only of sources
// over 5 MB, If-Match), and keeps a CRC-32 for every object. Files "without" one are made by hiding
// it from HeadObject, as S3 does for a file stored with CRC64NVME only.
describe('zipByCopy (local S3)', () => {
  let s3: S3Server;
  let plain: S3Client;
  const sources = new Map<string, Buffer>();
  const withoutCrc = new Set<string>();
  let job = 0;

  before(async function () {
    this.timeout(120_000);
    s3 = await startS3Server();
    plain = s3.newClient({ requestChecksumCalculation: 'WHEN_REQUIRED' });
    const files: [string, number, boolean][] = [
      ['small/a.txt', 1000, true],
      ['small/b.bin', 300 * 1024, false],
      ['empty.txt', 0, true],
      ['big/copied-12.bin', 12 * MiB + 7, true],
      ['big/streamed-11.bin', 11 * MiB + 3, false],
      ['small/c.bin', 2 * MiB, true],
      ['big/copied-23.bin', 23 * MiB + 5, true],
      ['big/at-boundary.bin', 10 * MiB, true],
    ];
    const texts: [string, Buffer, boolean][] = [
      // Over 5 MiB stored, well under deflated: before a copied file, its part needs a head after all.
      ['text/rows.csv', text('csv', 6 * MiB + 17), true],
      ['text/app.log', text('log', 700 * 1024), true],
      ['text/items.json', text('json', 90 * 1024), true],
      // Large and without a CRC-32, as files uploaded before CRC-32s were sent: deflated as it streams.
      ['text/big-rows.csv', text('csv', 14 * MiB + 11), false],
    ];
    for (const [name, size, withCrc] of [
      ...files.map(([n, size, c]): [string, Buffer, boolean] => [n, randomBytes(size), c]),
      ...texts,
    ]) {
      const bytes = size;
      sources.set(name, bytes);
      await plain.send(
        new PutObjectCommand({
          Bucket: s3.bucket,
          Key: objectKey(`owner/${name}`),
          Body: bytes,
        }),
      );
      if (!withCrc) withoutCrc.add(objectKey(`owner/${name}`));
    }
  });
  after(() => s3.stop());
  afterEach(() => sinon.restore());

  /**
   * HeadObject of a file listed "without CRC" answers without ChecksumCRC32; `fault` sees every request,
   * `body` may replace a GetObject's body.
   */
  function serve(
    fault: (command: unknown) => Promise<void> = async () => {},
    body?: (key: string, stream: Readable) => Readable,
  ) {
    const send = s3.client.send.bind(s3.client) as Send;
    sinon.stub(s3.client as { send: Send }, 'send').callsFake(async (command, opts) => {
      await fault(command);
      const output = await send(command, opts);
      if (body && command instanceof GetObjectCommand) {
        const got = output as { Body: Readable };
        return { ...got, Body: body(String(command.input.Key), got.Body) };
      }
      if (command instanceof HeadObjectCommand && withoutCrc.has(String(command.input.Key))) {
        return { ...(output as object), ChecksumCRC32: undefined };
      }
      return output;
    });
  }

  const entriesOf = (names: string[]): ZipEntry[] =>
    names.map((name) => ({
      s3Key: objectKey(`owner/${name}`),
      name,
      size: sources.get(name)?.length ?? 0,
    }));
  const options = (names: string[], extra: Partial<CopyZipOptions> = {}): CopyZipOptions => ({
    s3: s3.client,
    bucket: s3.bucket,
    entries: entriesOf(names),
    targetKey: objectKey(`zip/owner/job-${++job}/archive.zip`),
    copyPartSize: 8 * MiB,
    ...extra,
  });

  /** Reads the archive back with yauzl (content and CRC-32 of each entry) and `unzip -t`. */
  async function expectArchive(key: string, names: string[], zip64: boolean, deflated: string[] = []) {
    const archive = await readArchive(s3, key);
    const { entries, zip64End } = await unzip(archive);
    expect(entries.map((entry) => entry.name)).to.deep.equal(names);
    for (const entry of entries) {
      const source = sources.get(entry.name) as Buffer;
      expect(entry.data.equals(source), entry.name).to.equal(true);
      expect(entry.compressionMethod, entry.name).to.equal(deflated.includes(entry.name) ? 8 : 0);
      expect(entry.zip64, entry.name).to.equal(zip64);
      // A streamed file's CRC-32 and sizes follow its data, as the central directory has them.
      if (entry.descriptor)
        expect(entry.descriptor).to.include({ crc32: crc32(source), uncompressedSize: source.length });
    }
    expect(zip64End).to.equal(zip64);
    const tested = await unzipTest(archive);
    expect(tested).to.contain('No errors detected');
    expect(tested.match(/ OK$/gm)).to.have.length(names.length);
    return archive;
  }

  it('mixes copied, streamed and small entries; the worker reads only heads, small and CRC-less files', async function () {
    this.timeout(120_000);
    serve();
    const names = [...sources.keys()].filter(
      (name) => name.startsWith('big/') || name.startsWith('small/') || name === 'empty.txt',
    );
    const progress: number[] = [];
    const target = options(names, { onProgress: (p) => progress.push(p.filesDone) });
    const result = await zipByCopy(target);
    const archive = await expectArchive(target.targetKey, names, false);
    expect(result.size).to.equal(archive.length);
    const total = names.reduce((sum, name) => sum + (sources.get(name) as Buffer).length, 0);
    expect(result.workerBytes + result.copiedBytes).to.equal(total);
    // Small files and the large one without a CRC-32 pass through; each copied file gives at most a
    // 5 MiB head.
    const passed = 1000 + 300 * 1024 + 2 * MiB + 11 * MiB + 3;
    expect(result.workerBytes).to.be.at.most(passed + 3 * 5 * MiB);
    expect(result.copiedBytes).to.be.at.least(12 * MiB + 23 * MiB + 10 * MiB - 3 * 5 * MiB);
    expect(progress.at(-1)).to.equal(names.length);
  });

  it('writes ZIP64 records when forced, readable by yauzl and unzip', async function () {
    this.timeout(120_000);
    const names = ['big/copied-23.bin', 'small/a.txt', 'big/streamed-11.bin', 'empty.txt'];
    serve();
    const target = options(names, { forceZip64: true });
    await zipByCopy(target);
    await expectArchive(target.targetKey, names, true);
  });

  // Text first: stored it would fill the first part, deflated it leaves the copied file's head to do it
  // (local/s3 refuses a part under 5 MiB but the last, as S3 does).
  const mixed = [
    'text/rows.csv',
    'big/copied-12.bin',
    'text/app.log',
    'small/b.bin',
    'big/streamed-11.bin',
    'small/a.txt',
    'text/items.json',
    'empty.txt',
    'big/copied-23.bin',
  ];
  const texts = mixed.filter((name) => name.startsWith('text/'));

  for (const zip64 of [false, true]) {
    it(`deflates text read whole; stores binaries, copied and CRC-less files${zip64 ? ', ZIP64 forced' : ''}`, async function () {
      this.timeout(120_000);
      serve();
      const deflated = options(mixed, { forceZip64: zip64 });
      const result = await zipByCopy(deflated);
      // small/a.txt is random: deflating does not shrink it, so it is stored.
      const archive = await expectArchive(deflated.targetKey, mixed, zip64, texts);
      expect(result.size).to.equal(archive.length);
      const total = mixed.reduce((sum, name) => sum + (sources.get(name) as Buffer).length, 0);
      expect(result.workerBytes + result.copiedBytes).to.equal(total);
      // The deflated CSV left room in the first part: the copied file's head filled it.
      expect(result.copiedBytes).to.be.below(12 * MiB + 7 + 23 * MiB + 5);

      const stored = options(mixed, { forceZip64: zip64, compress: () => false });
      const storedResult = await zipByCopy(stored);
      await expectArchive(stored.targetKey, mixed, zip64);
      const textBytes = texts.reduce((sum, name) => sum + (sources.get(name) as Buffer).length, 0);
      // The texts deflate to under a third of their size.
      expect(storedResult.size - result.size).to.be.above((2 / 3) * textBytes);
    });
  }

  // A large CSV without a CRC-32 (as every file uploaded before CRC-32s were sent): deflated as it
  // streams, between a CRC-less binary (stored as it streams), copied files and small deflated ones.
  // The binary and small/c.bin leave 5 MiB in the part where the CSV starts: its deflated 3.4 MiB cross
  // into the next part.
  const streamed = [
    'text/app.log',
    'big/copied-12.bin',
    'big/streamed-11.bin',
    'small/c.bin',
    'text/big-rows.csv',
    'text/items.json',
    'big/copied-23.bin',
    'small/a.txt',
  ];
  for (const zip64 of [false, true]) {
    it(`deflates a large CRC-less CSV as it streams, beside stored, copied and small deflated files${zip64 ? ', ZIP64 forced' : ''}`, async function () {
      this.timeout(120_000);
      serve();
      const target = options(streamed, { forceZip64: zip64 });
      const result = await zipByCopy(target);
      const archive = await expectArchive(target.targetKey, streamed, zip64, [
        'text/app.log',
        'text/big-rows.csv',
        'text/items.json',
      ]);
      expect(result.size).to.equal(archive.length);
      const { entries } = await unzip(archive);
      const csv = entries.find((entry) => entry.name === 'text/big-rows.csv');
      expect(csv?.descriptor?.compressedSize).to.be.below((14 * MiB) / 3);
      expect(entries.find((entry) => entry.name === 'big/streamed-11.bin')?.descriptor).to.include({
        compressedSize: 11 * MiB + 3,
      });
      const total = streamed.reduce((sum, name) => sum + (sources.get(name) as Buffer).length, 0);
      expect(result.workerBytes + result.copiedBytes).to.equal(total);
      // Every CRC-less byte passed through the worker; the copied files but for their heads did not.
      expect(result.workerBytes).to.be.at.least(14 * MiB + 11 + 11 * MiB + 3);
      expect(result.copiedBytes).to.be.at.least(12 * MiB + 23 * MiB - 2 * 5 * MiB);
    });
  }

  it('makes a large CRC-less CSV smaller deflated than stored', async function () {
    this.timeout(120_000);
    serve();
    const names = ['text/big-rows.csv'];
    const deflated = await zipByCopy(options(names));
    const stored = options(names, { compress: () => false });
    const storedResult = await zipByCopy(stored);
    await expectArchive(stored.targetKey, names, false);
    // The stored one: the CSV, one local header, its descriptor, its central record, the end record.
    const size = 14 * MiB + 11;
    const name = 'text/big-rows.csv'.length;
    expect(storedResult.size).to.equal(size + 30 + name + 16 + 46 + name + 9 + 22);
    expect(deflated.size).to.be.below(storedResult.size / 3);
  });

  it('ends failed, with the upload aborted, when a file deflated as it streams breaks mid-way', async function () {
    this.timeout(60_000);
    let uploads = 0;
    const count = async (command: unknown) => {
      if (command instanceof UploadPartCommand) uploads += 1;
    };
    serve(count, (key, stream) => {
      if (!key.endsWith('big-rows.csv')) return stream;
      // 9 MiB arrive, then the connection drops.
      let passed = 0;
      const breaking = new Transform({
        transform(chunk: Buffer, _encoding, callback) {
          passed += chunk.length;
          callback(passed > 9 * MiB ? new Error('socket hang up') : null, chunk);
        },
      });
      // pipeline, not pipe: the response is destroyed with it, as the SDK's own stream would be.
      return pipeline(stream, breaking, () => {});
    });
    // The CRC-less binary before it fills a part, uploaded before the CSV breaks.
    const target = options(['small/a.txt', 'big/streamed-11.bin', 'text/big-rows.csv', 'big/copied-12.bin']);
    const error = await zipByCopy(target).catch((e: unknown) => e);
    expect(error).to.be.instanceOf(ZipFailedError);
    expect(error).to.include({ stage: 'read', message: 'Could not read "text/big-rows.csv".' });
    expect(uploads).to.be.at.least(1);
    await expectNothingLeft(target.targetKey);
  });

  /** A file uploaded in parts with CRC32 and no FULL_OBJECT type, as older uploads were: COMPOSITE. */
  async function putComposite(name: string, partSizes: number[]): Promise<void> {
    const key = objectKey(`owner/${name}`);
    const parts = partSizes.map((size) => randomBytes(size));
    sources.set(name, Buffer.concat(parts));
    const { UploadId } = await plain.send(
      new CreateMultipartUploadCommand({ Bucket: s3.bucket, Key: key, ChecksumAlgorithm: 'CRC32' }),
    );
    const done = [];
    for (const [index, Body] of parts.entries()) {
      const PartNumber = index + 1;
      const part = {
        Bucket: s3.bucket,
        Key: key,
        UploadId,
        PartNumber,
        Body,
        ChecksumAlgorithm: 'CRC32',
      } as const;
      const { ETag, ChecksumCRC32 } = await plain.send(new UploadPartCommand(part));
      done.push({ PartNumber, ETag, ChecksumCRC32 });
    }
    await plain.send(
      new CompleteMultipartUploadCommand({
        Bucket: s3.bucket,
        Key: key,
        UploadId,
        MultipartUpload: { Parts: done },
      }),
    );
    const head = await plain.send(
      new HeadObjectCommand({ Bucket: s3.bucket, Key: key, ChecksumMode: 'ENABLED' }),
    );
    expect(head.ChecksumCRC32).to.match(new RegExp(`-${parts.length}$`));
  }

  it('copies a file with a COMPOSITE multipart checksum from its parts’ CRCs; streams one whose parts S3 will not list', async function () {
    this.timeout(120_000);
    await putComposite('composite/copied.bin', [5 * MiB, 5 * MiB + 11, 3 * MiB + 5]);
    await putComposite('composite/refused.bin', [6 * MiB, 5 * MiB + 1]);
    serve(async (command) => {
      if (
        command instanceof GetObjectAttributesCommand &&
        String(command.input.Key).endsWith('refused.bin')
      ) {
        throw Object.assign(new Error('Access Denied'), {
          name: 'AccessDenied',
          $metadata: { httpStatusCode: 403 },
        });
      }
    });
    const names = ['small/a.txt', 'composite/copied.bin', 'composite/refused.bin', 'empty.txt'];
    const target = options(names);
    const result = await zipByCopy(target);
    await expectArchive(target.targetKey, names, false);
    const copied = (sources.get('composite/copied.bin') as Buffer).length;
    const refused = (sources.get('composite/refused.bin') as Buffer).length;
    // The refused one passes through whole; the composite one but for its head is copied.
    expect(result.copiedBytes).to.be.at.least(copied - 5 * MiB);
    expect(result.workerBytes).to.be.at.least(refused);
    expect(result.workerBytes).to.be.at.most(refused + 1000 + 5 * MiB);
  });

  it('fails with the file named when a source is deleted between planning and copying; the upload is aborted', async function () {
    this.timeout(60_000);
    const name = 'big/to-delete.bin';
    const bytes = randomBytes(12 * MiB);
    sources.set(name, bytes);
    const key = objectKey(`owner/${name}`);
    await plain.send(
      new PutObjectCommand({
        Bucket: s3.bucket,
        Key: key,
        Body: bytes,
        ChecksumCRC32: crc32Base64(crc32(bytes)),
      }),
    );
    serve(async (command) => {
      if (command instanceof UploadPartCopyCommand && command.input.CopySource?.endsWith('to-delete.bin')) {
        await plain.send(new DeleteObjectCommand({ Bucket: s3.bucket, Key: key }));
      }
    });
    const target = options(['small/a.txt', name]);
    const error = await zipByCopy(target).catch((e: unknown) => e);
    expect(error).to.be.instanceOf(ZipFailedError);
    expect((error as ZipFailedError).message).to.equal(
      `"${name}" was deleted or changed after the zip was requested.`,
    );
    await expectNothingLeft(target.targetKey);
  });

  it('ends failed, with the upload aborted, when a copy fails mid-way', async function () {
    this.timeout(60_000);
    let copies = 0;
    serve(async (command) => {
      if (command instanceof UploadPartCopyCommand && ++copies === 2) throw new Error('connection reset');
    });
    const target = options(['big/copied-23.bin', 'small/a.txt']);
    const error = await zipByCopy(target).catch((e: unknown) => e);
    expect(error).to.be.instanceOf(ZipFailedError);
    expect(error).to.include({ stage: 'upload', message: 'Could not write the archive to storage.' });
    await expectNothingLeft(target.targetKey);
  });

  async function expectNothingLeft(key: string) {
    const head = await s3.client.send(new HeadObjectCommand({ Bucket: s3.bucket, Key: key })).catch((e) => e);
    expect(head).to.be.instanceOf(Error);
    const uploads = await s3.client.send(new ListMultipartUploadsCommand({ Bucket: s3.bucket, Prefix: key }));
    expect(uploads.Uploads ?? []).to.deep.equal([]);
  }
});
