import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  PutObjectCommand,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { expect } from 'chai';
import sinon from 'sinon';
import { type S3Server, startS3Server } from '../../devtools/local-s3';
import type { ZipEntry } from '../../handlers/lib/zip/contract';
import { zipByCopy } from '../../handlers/lib/zip/copy/copy-zip';
import type { JobRef } from '../../handlers/lib/zip/jobs/job-keys';
import { zipRequestKey } from '../../handlers/lib/zip/jobs/job-keys';
import { archiveEntryNames } from '../../handlers/lib/zip/names';
import { planZip, type ZipStrategy } from '../../handlers/lib/zip/planner';
import { writeZip } from '../../handlers/lib/zip/write-zip';
import { zipToS3 } from '../../handlers/lib/zip/yazl-stream/yazl-zip';
import { ZipFailedError } from '../../handlers/lib/zip/zip-failure';
import { zipWorker } from '../../handlers/zip-worker';
import { identityId } from '../support/events';
import { logTo } from '../support/log-lines';
import { objectKey } from '../support/objects';
import { type Unzipped, unzip } from '../support/unzip';
import { s3Event, workerContext, zipApi } from '../support/zip-jobs';

const MiB = 1024 * 1024;
type Send = (command: unknown, options?: unknown) => Promise<unknown>;
const STRATEGIES: ZipStrategy[] = ['yazl', 'copy'];

/** `unzip -t` (Info-ZIP, Debian's `unzip`): tests every entry's CRC-32, a reader independent of yauzl. */
async function unzipTest(archive: Buffer): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'zip-conformance-'));
  try {
    await writeFile(join(dir, 'a.zip'), archive);
    return (await promisify(execFile)('unzip', ['-t', join(dir, 'a.zip')])).stdout;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** CSV rows: deflated by both strategies. */
function csv(size: number): Buffer {
  let rows = '';
  for (let i = 0; rows.length < size; i++) rows += `${i},user-${i % 97},${(i * 7919) % 100_000},ok\n`;
  return Buffer.from(rows).subarray(0, size);
}

// The same job through each strategy, on local/s3 (it keeps a CRC-32 for every object, answers ranged
// UploadPartCopy with If-Match, and refuses parts under 5 MiB as S3 does). A file "without" a CRC-32 is
// made by hiding it from HeadObject, as S3 answers for a file uploaded without one.
describe('the zip strategies, one conformance suite (local S3)', () => {
  let s3: S3Server;
  let job = 0;
  const sources = new Map<string, Buffer>();
  const withoutCrc = new Set<string>();
  // User keys as a user may name them; the archive gets the names archiveEntryNames gives.
  const files: [string, Buffer, boolean][] = [
    ['big/copied.bin', randomBytes(12 * MiB + 7), true],
    ['big/streamed.bin', randomBytes(11 * MiB + 3), false],
    ['text/rows.csv', csv(300 * 1024), true],
    ['small/a.bin', randomBytes(70_000), true],
    ['empty.txt', Buffer.alloc(0), true],
    ['odd/a:b?.txt', Buffer.from('colon and question mark'), true],
    ['odd/nul.txt', Buffer.from('a reserved device name'), true],
    ['odd/trailing. ', Buffer.from('trailing dot and space'), true],
    ['odd/Ünïcødé 名前 +&%.txt', Buffer.from('unicode and URL characters'), true],
    ['odd/A:B?.TXT', Buffer.from('the same name as another in another case'), true],
  ];
  const names = archiveEntryNames(files.map(([key]) => key));

  before(async function () {
    this.timeout(120_000);
    s3 = await startS3Server();
    for (const [key, body, crc] of files) {
      const s3Key = objectKey(`owner/${key}`);
      await s3.client.send(new PutObjectCommand({ Bucket: s3.bucket, Key: s3Key, Body: body }));
      sources.set(s3Key, body);
      if (!crc) withoutCrc.add(s3Key);
    }
  });
  after(() => s3.stop());
  beforeEach(() => serve());
  afterEach(() => sinon.restore());

  /** Every request through `fault`; HeadObject of a file listed "without CRC" answers without one. */
  function serve(fault: (command: unknown) => Promise<void> = async () => {}) {
    sinon.restore();
    const send = s3.client.send.bind(s3.client) as Send;
    sinon.stub(s3.client as { send: Send }, 'send').callsFake(async (command, options) => {
      await fault(command);
      const output = await send(command, options);
      if (command instanceof HeadObjectCommand && withoutCrc.has(String(command.input.Key)))
        return { ...(output as object), ChecksumCRC32: undefined };
      return output;
    });
  }

  const entries = (): ZipEntry[] =>
    files.map(([key, body], index) => ({
      s3Key: objectKey(`owner/${key}`),
      name: names[index],
      size: body.length,
    }));
  const options = (strategy: ZipStrategy, more: { forceZip64?: boolean } = {}) => ({
    s3: s3.client,
    bucket: s3.bucket,
    entries: entries(),
    targetKey: objectKey(`zip/owner/job-${++job}/archive.zip`),
    strategy,
    ...more,
  });

  async function read(key: string): Promise<Buffer> {
    const got = await s3.client.send(new GetObjectCommand({ Bucket: s3.bucket, Key: key }));
    return Buffer.from((await got.Body?.transformToByteArray()) ?? []);
  }

  /** The archive read back by yauzl (every CRC-32 checked) and `unzip -t`, every entry its source's bytes. */
  async function expectArchive(key: string, zip64: boolean): Promise<Unzipped> {
    const archive = await read(key);
    const unzipped = await unzip(archive);
    expect(unzipped.entries.map((entry) => entry.name)).to.deep.equal(names);
    unzipped.entries.forEach((entry, index) => {
      expect(entry.data.equals(files[index][1]), entry.name).to.equal(true);
      expect(entry.zip64, entry.name).to.equal(zip64);
    });
    expect(unzipped.entries.find((entry) => entry.name === 'text/rows.csv')?.compressionMethod).to.equal(8);
    expect(await unzipTest(archive)).to.include('No errors detected');
    return unzipped;
  }

  async function expectNothingLeft(key: string) {
    const head = await s3.client.send(new HeadObjectCommand({ Bucket: s3.bucket, Key: key })).catch((e) => e);
    expect(head).to.be.instanceOf(Error);
    const uploads = await s3.client.send(new ListMultipartUploadsCommand({ Bucket: s3.bucket, Prefix: key }));
    expect(uploads.Uploads ?? []).to.deep.equal([]);
  }

  async function failure(run: Promise<unknown>): Promise<ZipFailedError> {
    const error = await run.then(
      () => expect.fail('the zip should have failed'),
      (e: unknown) => e,
    );
    expect(error).to.be.instanceOf(ZipFailedError);
    expect((error as Error).message).not.to.include(s3.bucket);
    return error as ZipFailedError;
  }

  it('writes the same entries with the same bytes by both strategies, read back by yauzl and unzip -t', async function () {
    this.timeout(120_000);
    const written = new Map<ZipStrategy, Unzipped>();
    for (const strategy of STRATEGIES) {
      const job = options(strategy);
      const result = await writeZip(job);
      expect(result.strategy).to.equal(strategy);
      written.set(strategy, await expectArchive(job.targetKey, false));
      // Only the copy strategy lets S3 copy: the CRC-less 11 MiB file and the rest pass through the worker.
      expect(result.copiedBytes > 0).to.equal(strategy === 'copy');
    }
    const [yazl, copy] = STRATEGIES.map((strategy) => written.get(strategy) as Unzipped);
    expect(copy.entries.map((entry) => [entry.name, entry.data])).to.deep.equal(
      yazl.entries.map((entry) => [entry.name, entry.data]),
    );
  });

  for (const strategy of STRATEGIES) {
    describe(`the ${strategy} strategy`, () => {
      it('writes ZIP64 records for every entry when forced', async function () {
        this.timeout(120_000);
        const job = options(strategy, { forceZip64: true });
        await writeZip(job);
        expect((await expectArchive(job.targetKey, true)).zip64End).to.equal(true);
      });

      it('fails "deleted or changed" for a source deleted between the plan and its read; nothing left', async () => {
        const job = options(strategy);
        const plan = await planZip(job);
        const gone = job.entries[0];
        await s3.client.send(new DeleteObjectCommand({ Bucket: s3.bucket, Key: gone.s3Key }));
        try {
          const run = strategy === 'copy' ? zipByCopy(job, plan) : zipToS3(job, plan);
          const error = await failure(run);
          expect(error).to.include({ reason: 'source-changed', stage: 'read', entryName: gone.name });
          expect(error.message).to.equal(
            `"${gone.name}" was deleted or changed after the zip was requested.`,
          );
        } finally {
          const body = sources.get(gone.s3Key);
          await s3.client.send(new PutObjectCommand({ Bucket: s3.bucket, Key: gone.s3Key, Body: body }));
        }
        await expectNothingLeft(job.targetKey);
      });

      it('fails as a whole when a part fails mid-way: the upload aborted, nothing left', async () => {
        let parts = 0;
        serve(async (command) => {
          if (command instanceof UploadPartCommand && ++parts === 2) throw new Error('connection reset');
        });
        const job = options(strategy, {});
        const error = await failure(writeZip({ ...job, partSizeBytes: 5 * MiB }));
        expect(error).to.include({ reason: 'upload', message: 'Could not write the archive to storage.' });
        expect(parts).to.be.at.least(2);
        await expectNothingLeft(job.targetKey);
      });

      it('stops when the signal fires mid-way (out of time): the upload aborted, nothing left', async () => {
        const stop = new AbortController();
        serve(async (command) => {
          if (command instanceof UploadPartCommand) stop.abort();
        });
        const job = options(strategy, {});
        const error = await failure(writeZip({ ...job, partSizeBytes: 5 * MiB, signal: stop.signal }));
        expect(error).to.include({ reason: 'stopped', stage: 'stopped' });
        await expectNothingLeft(job.targetKey);
      });
    });
  }

  describe('the planner', () => {
    it('picks yazl when no file would be copied, the copy engine when one would', async () => {
      const small = entries().filter((entry) => entry.size < 10 * MiB);
      const job = { s3: s3.client, bucket: s3.bucket, targetKey: objectKey('zip/owner/plan.zip') };
      expect((await planZip({ ...job, entries: small })).strategy).to.equal('yazl');
      expect((await planZip({ ...job, entries: entries() })).strategy).to.equal('copy');
      // A large file without a CRC-32 cannot be copied: yazl streams it.
      const streamedOnly = entries().filter((entry) => entry.name !== 'big/copied.bin');
      expect((await planZip({ ...job, entries: streamedOnly })).strategy).to.equal('yazl');
    });

    it("logs the strategy the worker's job used", async function () {
      this.timeout(120_000);
      const lines: string[] = [];
      const alice = identityId();
      const worker = zipWorker({
        s3ForJob: () => s3.client,
        bucket: s3.bucket,
        log: logTo(lines),
      });
      const api = zipApi(s3, { maxFiles: 100, maxBytes: 64 * MiB });
      for (const [key, body] of [
        ['photo.jpg', randomBytes(3000)],
        ['video.bin', randomBytes(12 * MiB)],
      ] as const) {
        await s3.client.send(new PutObjectCommand({ Bucket: s3.bucket, Key: `${alice}/${key}`, Body: body }));
      }
      const used: unknown[] = [];
      for (const keys of [['photo.jpg'], ['photo.jpg', 'video.bin']]) {
        const res = await api.create(alice, { keys });
        expect(res.status).to.equal(202);
        const ref: JobRef = { identityId: alice, jobId: res.body.id };
        await worker(s3Event(s3.bucket, zipRequestKey(ref)), workerContext());
        const line = JSON.parse(lines.at(-1) ?? '{}');
        expect(line).to.include({ jobId: ref.jobId, outcome: 'done' });
        used.push(line.strategy);
      }
      expect(used).to.deep.equal(['yazl', 'copy']);
    });
  });
});
