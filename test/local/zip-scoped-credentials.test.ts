import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AbortMultipartUploadCommand,
  CreateMultipartUploadCommand,
  GetObjectAttributesCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  UploadPartCopyCommand,
} from '@aws-sdk/client-s3';
import { expect } from 'chai';
import { type ScopedS3, startScopedS3 } from '../../devtools/scoped-s3';
import { createZip } from '../../handlers/create-zip';
import type { ObjectKey } from '../../handlers/lib/files/keys';
import type { CallerDeps, ZipWorkerDeps } from '../../handlers/lib/wiring/deps';
import {
  type JobRef,
  zipArchiveKey,
  zipRequestKey,
  zipStatusKey,
} from '../../handlers/lib/zip/jobs/job-keys';
import { type JobRequest, readStatus, readTaggedStatus } from '../../handlers/lib/zip/jobs/job-records';
import { runRequest } from '../../handlers/lib/zip/jobs/run-job';
import { zipWorker } from '../../handlers/zip-worker';
import { callRoute } from '../support/call';
import { IDENTITY_POOL_ID, identityId, ORIGIN } from '../support/events';
import { logTo } from '../support/log-lines';
import { s3Code } from '../support/s3-code';
import { unzip } from '../support/unzip';
import { s3Event, workerContext } from '../support/zip-jobs';

const MiB = 1024 * 1024;

/**
 * The zip worker's archive work under a session of its caller role scoped to the job (its owner's folder,
 * its archive): the local STS issues it, the signature-checking local S3 enforces its policy, as S3 would.
 */
describe("zip jobs under the job's scoped credentials (local STS + the signature-checking local S3)", () => {
  let system: ScopedS3;
  let dataDir: string;
  let callerDeps: CallerDeps;
  let deps: ZipWorkerDeps;
  const logs: string[] = [];
  const alice = identityId();
  const bob = identityId();
  // Over the copy engine's 10 MiB: copied by S3 (HeadObject, UploadPartCopy) rather than read by the worker.
  const alicesBig = randomBytes(12 * MiB);
  const bobsBig = randomBytes(12 * MiB);
  const bobsSecret = 'bob only: the secret';

  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'lockbox-zip-scoped-'));
    system = await startScopedS3(dataDir);
    callerDeps = system.callerDeps({
      allowedOrigins: [ORIGIN],
      identityPoolId: IDENTITY_POOL_ID,
      log: () => {},
    });
    deps = system.zipWorkerDeps(logTo(logs));
    const put = (Key: string, Body: string | Buffer) =>
      system.functionClient.send(
        new PutObjectCommand({ Bucket: system.bucket, Key, Body, ChecksumAlgorithm: 'CRC32' }),
      );
    await put(`${alice}/notes.txt`, 'alice notes');
    await put(`${alice}/big.bin`, alicesBig);
    await put(`${bob}/secret.txt`, bobsSecret);
    await put(`${bob}/big.bin`, bobsBig);
  });
  after(async () => {
    await system.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  /** A job of alice's through POST /zips (pending, with its status record and slot). */
  async function newJob(keys: string[]): Promise<JobRef> {
    const created = await callRoute(
      'POST /zips',
      createZip(callerDeps, { maxFiles: 10, maxBytes: 64 * MiB }),
      alice,
      {
        body: { keys },
      },
    );
    expect(created.status).to.equal(202);
    return { identityId: alice, jobId: created.body.id };
  }

  const runWorker = (job: JobRef) =>
    zipWorker(deps)(s3Event(system.bucket, zipRequestKey(job)), workerContext());
  const lastLog = () => JSON.parse(logs.at(-1) as string);

  /** Every object under zip/ (records and archives): none may hold a byte of bob's files. */
  async function expectNothingOfBobsInZips(): Promise<void> {
    const listed = await system.functionClient.send(
      new ListObjectsV2Command({ Bucket: system.bucket, Prefix: 'zip/' }),
    );
    for (const { Key } of listed.Contents ?? []) {
      const object = await system.functionClient.send(new GetObjectCommand({ Bucket: system.bucket, Key }));
      const bytes = Buffer.from((await object.Body?.transformToByteArray()) ?? []);
      expect(bytes.includes(bobsSecret), Key).to.equal(false);
      expect(bytes.includes(bobsBig.subarray(0, 64)), Key).to.equal(false);
    }
    const uploads = await system.functionClient.send(
      new ListMultipartUploadsCommand({ Bucket: system.bucket, Prefix: 'zip/' }),
    );
    expect(uploads.Uploads ?? [], 'no multipart upload left open').to.deep.equal([]);
  }

  const expectNoArchive = async (job: JobRef) =>
    expect(
      await s3Code(
        system.functionClient.send(new HeadObjectCommand({ Bucket: system.bucket, Key: zipArchiveKey(job) })),
      ),
    ).to.equal('404 NotFound');

  /** A failed job's message names neither bob's folder, his key, nor the bucket. */
  function expectSafeMessage(error: string | undefined): void {
    expect(error).to.be.a('string');
    for (const secret of [bob, 'secret', system.bucket, 'arn:', 'AccessDenied']) {
      expect(error).not.to.include(secret);
    }
  }

  it('writes a normal job, S3 copying the large file within the session', async () => {
    const job = await newJob(['notes.txt', 'big.bin']);
    await runWorker(job);
    expect(lastLog()).to.include({ outcome: 'done', fileCount: 2 });
    expect(lastLog().copiedBytes).to.be.greaterThan(0);
    expect((await readStatus(system.functionClient, system.bucket, job))?.status).to.equal('done');
    const archive = await system.functionClient.send(
      new GetObjectCommand({ Bucket: system.bucket, Key: zipArchiveKey(job) }),
    );
    const { entries } = await unzip(Buffer.from((await archive.Body?.transformToByteArray()) ?? []));
    expect(entries.map((entry) => entry.name)).to.deep.equal(['notes.txt', 'big.bin']);
    expect(entries[0]?.data.toString()).to.equal('alice notes');
    expect(entries[1]?.data.equals(alicesBig)).to.equal(true);
  });

  it("fails a request record naming another user's key, written straight to the bucket", async () => {
    const job = await newJob(['notes.txt']);
    const forged = {
      name: 'forged.zip',
      createdAt: new Date().toISOString(),
      entries: [{ s3Key: `${bob}/secret.txt`, name: 'stolen.txt', size: bobsSecret.length }],
    };
    await system.functionClient.send(
      new PutObjectCommand({ Bucket: system.bucket, Key: zipRequestKey(job), Body: JSON.stringify(forged) }),
    );
    await runWorker(job);
    expect(lastLog()).to.include({ outcome: 'failed', reason: 'missing or malformed request record' });
    const status = await readStatus(system.functionClient, system.bucket, job);
    expect(status?.status).to.equal('failed');
    expectSafeMessage(status?.error);
    await expectNoArchive(job);
    await expectNothingOfBobsInZips();
  });

  // S3's refusal, as the log line's reason shows it: GetObject's 403 has a body (AccessDenied), HeadObject's
  // has none (the SDK names it Unknown).
  for (const [what, s3Key, size, refusal] of [
    ['read by the worker (GetObject)', `${bob}/secret.txt`, bobsSecret.length, 'read: AccessDenied'],
    ['copied by S3 (HeadObject, then UploadPartCopy)', `${bob}/big.bin`, bobsBig.length, 'read: Unknown'],
  ] as const) {
    it(`with every check in the worker bypassed, S3 itself refuses another user's file ${what}`, async () => {
      const job = await newJob(['notes.txt']);
      const read = await readTaggedStatus(system.functionClient, system.bucket, job);
      // As a bug past readRequest's check would hand it over: alice's file, then one of bob's.
      const request = {
        name: 'forged.zip',
        createdAt: new Date().toISOString(),
        entries: [
          { s3Key: `${alice}/notes.txt` as ObjectKey, name: 'notes.txt', size: 'alice notes'.length },
          { s3Key: s3Key as ObjectKey, name: 'stolen.bin', size },
        ],
      } satisfies JobRequest;
      const outcome = await runRequest(
        deps,
        job,
        read as NonNullable<typeof read>,
        request,
        workerContext(),
        {
          progressIntervalMs: 0,
          queueTimeoutSeconds: 3600,
          progressFailed: () => {},
        },
      );
      expect(outcome.outcome).to.equal('failed');
      expect(outcome.reason).to.equal(refusal);
      const status = await readStatus(system.functionClient, system.bucket, job);
      expect(status?.status).to.equal('failed');
      expectSafeMessage(status?.error);
      expect(status?.error).to.include('stolen.bin');
      await expectNoArchive(job);
      await expectNothingOfBobsInZips();
    });
  }

  it("lets a job's session read only the owner's files, and write only the owner's zip area", async () => {
    const job = await newJob(['notes.txt']);
    const other = await newJob(['notes.txt']);
    const s3 = deps.s3ForJob(job);
    const Bucket = system.bucket;
    const Key = zipArchiveKey(job);
    const source = (key: string) => `${Bucket}/${key}`;
    // Part checksums (GetObjectAttributes) of the owner's files: the routes' folder sessions may not.
    const attributes = (client: typeof s3) =>
      client.send(
        new GetObjectAttributesCommand({ Bucket, Key: `${alice}/big.bin`, ObjectAttributes: ['ObjectSize'] }),
      );
    expect((await attributes(s3)).ObjectSize).to.equal(alicesBig.length);
    expect(await s3Code(attributes(callerDeps.s3ForCaller(alice)))).to.equal('403 AccessDenied');

    const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket, Key }));
    const copy = (from: string) =>
      s3.send(
        new UploadPartCopyCommand({
          Bucket,
          Key,
          UploadId,
          PartNumber: 1,
          CopySource: source(from),
          CopySourceRange: 'bytes=0-5242879',
        }),
      );
    expect((await copy(`${alice}/big.bin`)).CopyPartResult?.ETag).to.be.a('string');
    expect(await s3Code(copy(`${bob}/big.bin`))).to.equal('403 AccessDenied');
    await s3.send(new AbortMultipartUploadCommand({ Bucket, Key, UploadId }));

    // Another user's zip area and upload plans, or a write into the owner's files: refused.
    const bobsJob = { identityId: bob, jobId: other.jobId };
    const elsewhere = [
      zipArchiveKey(bobsJob),
      zipStatusKey(bobsJob),
      `uploads/${alice}/plan`,
      `${alice}/written.txt`,
    ];
    for (const key of elsewhere) {
      expect(await s3Code(s3.send(new PutObjectCommand({ Bucket, Key: key, Body: 'x' }))), key).to.equal(
        '403 AccessDenied',
      );
      expect(await s3Code(s3.send(new CreateMultipartUploadCommand({ Bucket, Key: key }))), key).to.equal(
        '403 AccessDenied',
      );
    }
    for (const key of [`${bob}/secret.txt`, zipStatusKey(bobsJob), zipRequestKey(bobsJob)]) {
      expect(await s3Code(s3.send(new GetObjectCommand({ Bucket, Key: key }))), key).to.equal(
        '403 AccessDenied',
      );
    }
    // The job's own records, in the owner's zip area, are the session's to read and write.
    const status = await s3.send(new GetObjectCommand({ Bucket, Key: zipStatusKey(job) }));
    await s3.send(
      new PutObjectCommand({ Bucket, Key: zipStatusKey(job), Body: await status.Body?.transformToString() }),
    );
    // Listing (which proves a 403 a missing key) only under the owner's folder and zip area.
    expect((await s3.send(new ListObjectsV2Command({ Bucket, Prefix: `${alice}/` }))).KeyCount).to.be.above(
      0,
    );
    for (const Prefix of [`${bob}/`, `zip/${bob}/`, `uploads/${alice}/`, undefined]) {
      expect(await s3Code(s3.send(new ListObjectsV2Command({ Bucket, Prefix }))), Prefix).to.equal(
        '403 AccessDenied',
      );
    }
  });
});
