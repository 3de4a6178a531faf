import { randomBytes } from 'node:crypto';
import { pipeline, type Readable, Transform } from 'node:stream';
import {
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  type CreateMultipartUploadCommandOutput,
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  type S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { expect } from 'chai';
import sinon from 'sinon';
import { type S3Server, startS3Server } from '../../devtools/local-s3';
import type { ObjectKey } from '../../handlers/lib/files/keys';
import type { ZipEntry } from '../../handlers/lib/zip/contract';
import { type YazlZipOptions, zipToS3 } from '../../handlers/lib/zip/yazl-stream/yazl-zip';
import { ZipFailedError } from '../../handlers/lib/zip/zip-failure';
import { objectKey } from '../support/objects';

type Send = (command: unknown, options?: unknown) => Promise<unknown>;
type Fault = (command: unknown, send: () => Promise<unknown>, signal?: AbortSignal) => Promise<unknown>;

const MiB = 1024 * 1024;

// local/s3: it answers AbortMultipartUpload, so "a later UploadPart fails with NoSuchUpload" shows the abort.
// Three 4 MiB files with 5 MiB parts: every fault below hits after the multipart upload has started.
describe('zipToS3 when something fails', () => {
  let s3: S3Server;
  let entries: ZipEntry[];
  let job = 0;
  let targetKey: ObjectKey;
  /** Resolves with the multipart upload's id once the server created it. */
  let uploadId: Promise<string>;

  before(async () => {
    s3 = await startS3Server();
    entries = [];
    for (const name of ['one.bin', 'two.bin', 'three.bin']) {
      const s3Key = objectKey(`owner/${name}`);
      await s3.client.send(
        new PutObjectCommand({ Bucket: s3.bucket, Key: s3Key, Body: randomBytes(4 * MiB) }),
      );
      entries.push({ s3Key, name, size: 4 * MiB });
    }
  });
  after(() => s3.stop());
  afterEach(() => sinon.restore());

  /** Routes every request of the client through `fault`, and records the upload id. */
  function inject(fault: Fault): void {
    const send = s3.client.send.bind(s3.client) as Send;
    let created: (id: string) => void = () => {};
    uploadId = new Promise((resolve) => {
      created = resolve;
    });
    sinon.stub(s3.client as { send: Send }, 'send').callsFake(async (command, options) => {
      const signal = (options as { abortSignal?: AbortSignal } | undefined)?.abortSignal;
      const output = await fault(command, () => send(command, options), signal);
      if (command instanceof CreateMultipartUploadCommand) {
        created((output as CreateMultipartUploadCommandOutput).UploadId as string);
      }
      return output;
    });
  }

  function zip(more: Partial<YazlZipOptions> = {}): Promise<unknown> {
    job += 1;
    targetKey = objectKey(`zip/owner/job-${job}.zip`);
    return zipToS3({ s3: s3.client, bucket: s3.bucket, entries, targetKey, partSizeBytes: 5 * MiB, ...more });
  }

  async function expectFailure(run: Promise<unknown>, stage: string, message: RegExp): Promise<void> {
    const error = await run.then(
      () => expect.fail('the zip should have failed'),
      (e: unknown) => e,
    );
    expect(error).to.be.instanceOf(ZipFailedError);
    expect((error as ZipFailedError).stage).to.equal(stage);
    expect((error as Error).message).to.match(message);
    expect((error as Error).message).not.to.include(s3.bucket);
  }

  async function expectNothingLeft(): Promise<void> {
    sinon.restore();
    const client: S3Client = s3.client;
    const part = new UploadPartCommand({
      Bucket: s3.bucket,
      Key: targetKey,
      UploadId: await uploadId,
      PartNumber: 1,
      Body: 'late',
    });
    await client.send(part).then(
      () => expect.fail('the multipart upload should be aborted'),
      (e: Error) => expect(e.name).to.equal('NoSuchUpload'),
    );
    await client.send(new HeadObjectCommand({ Bucket: s3.bucket, Key: targetKey })).then(
      () => expect.fail('no archive should be left'),
      (e: Error) => expect(e.name).to.equal('NotFound'),
    );
  }

  it('aborts the upload when a file stream breaks mid-way', async () => {
    inject(async (command, send) => {
      const output = (await send()) as { Body: Readable };
      if (isGet(command, 'owner/three.bin')) {
        output.Body = pipeline(output.Body, breakAfter(1 * MiB, uploadId), () => {});
      }
      return output;
    });
    await expectFailure(zip(), 'read', /^Could not read "three\.bin"\.$/);
    await expectNothingLeft();
  });

  it('aborts the upload when an UploadPart fails', async () => {
    inject(async (command, send) => {
      if (command instanceof UploadPartCommand && command.input.PartNumber === 2) throw serverError();
      return send();
    });
    await expectFailure(zip(), 'upload', /^Could not write the archive to storage\.$/);
    await expectNothingLeft();
  });

  it('aborts the upload when CompleteMultipartUpload fails', async () => {
    inject(async (command, send) => {
      if (command instanceof CompleteMultipartUploadCommand) throw serverError();
      return send();
    });
    await expectFailure(zip(), 'complete', /^Could not finish the archive in storage\.$/);
    await expectNothingLeft();
  });

  it('counts a CompleteMultipartUpload whose answer was lost as done when the archive is its own', async () => {
    inject(async (command, send) => {
      const output = await send();
      if (command instanceof CompleteMultipartUploadCommand) throw serverError();
      return output;
    });
    const result = (await zip()) as { etag: string; size: number };
    sinon.restore();
    const head = await s3.client.send(new HeadObjectCommand({ Bucket: s3.bucket, Key: targetKey }));
    expect(result.etag).to.equal(head.ETag);
    expect(result.size).to.equal(head.ContentLength);
  });

  it("leaves another run's archive at the key alone when its own Complete fails", async () => {
    job += 1;
    const other = objectKey(`zip/owner/job-${job}.zip`);
    await s3.client.send(new PutObjectCommand({ Bucket: s3.bucket, Key: other, Body: 'a finished archive' }));
    inject(async (command, send) => {
      if (command instanceof CompleteMultipartUploadCommand) throw serverError();
      return send();
    });
    const run = zipToS3({
      s3: s3.client,
      bucket: s3.bucket,
      entries,
      targetKey: other,
      partSizeBytes: 5 * MiB,
    });
    await expectFailure(run, 'complete', /^Could not finish the archive in storage\.$/);
    sinon.restore();
    const kept = await s3.client.send(new GetObjectCommand({ Bucket: s3.bucket, Key: other }));
    expect(await kept.Body?.transformToString()).to.equal('a finished archive');
  });

  it('aborts the upload when its signal fires', async () => {
    const stop = new AbortController();
    inject(async (command, send) => {
      const output = await send();
      if (command instanceof UploadPartCommand && command.input.PartNumber === 1) stop.abort();
      return output;
    });
    await expectFailure(zip({ signal: stop.signal }), 'stopped', /stopped before it finished/);
    await expectNothingLeft();
  });

  it('cancels a stalled UploadPart when its signal fires, and still aborts the upload', async () => {
    const stop = new AbortController();
    inject(async (command, send, signal) => {
      if (command instanceof UploadPartCommand && command.input.PartNumber === 2) {
        setImmediate(() => stop.abort());
        return stalled(signal);
      }
      return send();
    });
    await expectFailure(zip({ signal: stop.signal }), 'stopped', /stopped before it finished/);
    await expectNothingLeft();
  });

  it('says which file was deleted after the zip was requested', async () => {
    inject((command, send) => (isGet(command, 'owner/gone.bin') ? uploadId.then(send) : send()));
    const missing = { s3Key: objectKey('owner/gone.bin'), name: 'gone.bin', size: 10 };
    await expectFailure(
      zip({ entries: [...entries, missing] }),
      'read',
      /^"gone\.bin" was deleted or changed after the zip was requested\.$/,
    );
    await expectNothingLeft();
  });

  it('fails as unreadable, not as deleted, when S3 refuses a GET with 403 AccessDenied', async () => {
    const denied = Object.assign(new Error('Access Denied'), {
      name: 'AccessDenied',
      $metadata: { httpStatusCode: 403 },
    });
    inject((command, send) =>
      isGet(command, 'owner/three.bin') ? uploadId.then(() => Promise.reject(denied)) : send(),
    );
    await expectFailure(zip(), 'read', /^Could not read "three\.bin"\.$/);
    await expectNothingLeft();
  });

  it('says which file changed size after the zip was requested', async () => {
    inject((command, send) => (isGet(command, 'owner/three.bin') ? uploadId.then(send) : send()));
    const changed = entries.map((e) => (e.name === 'three.bin' ? { ...e, size: e.size - 1 } : e));
    await expectFailure(zip({ entries: changed }), 'read', /^"three\.bin" was deleted or changed/);
    await expectNothingLeft();
  });
});

function isGet(command: unknown, key: string): boolean {
  return command instanceof GetObjectCommand && command.input.Key === key;
}

/** A stream that passes `bytes`, then fails like a reset connection once `after` resolved. */
function breakAfter(bytes: number, after: Promise<unknown>): Transform {
  let passed = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      passed += chunk.length;
      if (passed <= bytes) return callback(null, chunk);
      after.then(() => callback(Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' })));
    },
  });
}

/** A request that never answers, until its abort signal fires. */
function stalled(signal: AbortSignal | undefined): Promise<never> {
  const aborted = () => Object.assign(new Error('aborted'), { name: 'AbortError' });
  return new Promise((_resolve, reject) => {
    if (signal?.aborted) reject(aborted());
    signal?.addEventListener('abort', () => reject(aborted()));
  });
}

function serverError(): Error {
  return Object.assign(new Error('We encountered an internal error.'), {
    name: 'InternalError',
    $metadata: { httpStatusCode: 500 },
  });
}
