import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { HeadObjectCommand, ListMultipartUploadsCommand, S3Client } from '@aws-sdk/client-s3';
import { expect } from 'chai';
import { adminClient, createUser } from '../../devtools/local-session';
import { crc32Base64 } from '../../handlers/lib/s3/crc32';
import type { LocalAccount } from '../../local/account';
import { type LaunchedSystem, launchLocalSystem } from '../../local/launch';
import {
  createLockboxClient,
  type LockboxClient,
  LockboxError,
  memoryStorage,
  type Progress,
} from '../../packages/client/index';
import { crc32Base64 as clientCrc32Base64 } from '../../packages/client/uploads/crc32';

const MiB = 1024 * 1024;
const PASSWORD = 'Correct-Horse-Battery-1!';
const EXPIRED =
  '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>AccessDenied</Code><Message>Request has expired</Message></Error>';

/** A transport rule: answer instead of S3 (a Response), fail (throw), or let the PUT through (undefined). */
type Rule = (partNumber: number, url: URL) => Response | undefined;

async function failure(promise: Promise<unknown>): Promise<LockboxError> {
  try {
    await promise;
  } catch (error) {
    expect(error).to.be.instanceOf(LockboxError);
    return error as LockboxError;
  }
  throw new Error('expected a LockboxError');
}

describe('@lockbox/client upload() against the local system (5 MiB parts)', function () {
  this.timeout(120_000);
  let dataDir: string;
  let system: LaunchedSystem;
  let account: LocalAccount;
  let identityId: string;
  /** Every part PUT the client sent (or tried), by part number; `POST /uploads/parts` bodies. */
  let partPuts: number[];
  let resigned: number[][];
  let rule: Rule;
  let client: LockboxClient;
  const storage = memoryStorage();

  const transport: typeof fetch = async (input, init) => {
    const request = new Request(input, init);
    const url = new URL(request.url);
    if (url.pathname.endsWith('/uploads/parts'))
      resigned.push(((await request.clone().json()) as { partNumbers: number[] }).partNumbers);
    const partNumber = Number(url.searchParams.get('partNumber') ?? 0);
    if (request.method === 'PUT' && url.searchParams.has('X-Amz-Signature')) {
      partPuts.push(partNumber);
      const answer = rule(partNumber, url);
      if (answer !== undefined) return answer;
    }
    return fetch(request);
  };

  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'lockbox-client-upload-'));
    system = await launchLocalSystem({
      dataDir,
      env: { UPLOAD_MULTIPART_THRESHOLD_BYTES: String(5 * MiB), UPLOAD_PART_BYTES: String(5 * MiB) },
    });
    account = JSON.parse(await readFile(join(dataDir, 'account.json'), 'utf8'));
    const temporary = `Temp-${crypto.randomUUID()}-1a!`;
    await createUser(adminClient(system.config, system.admin), system.config, 'uma@example.com', temporary);
    client = createLockboxClient(system.config, { fetch: transport, storage });
    const first = await client.auth.signIn('uma@example.com', temporary);
    if (first.status !== 'new-password-required') throw new Error(first.status);
    const done = await first.complete(PASSWORD);
    if (done.status !== 'signed-in') throw new Error(done.status);
    identityId = done.user.identityId;
  });

  beforeEach(() => {
    partPuts = [];
    resigned = [];
    rule = () => undefined;
  });

  after(async () => {
    expect(await system?.stop()).to.equal(0);
    await rm(dataDir, { recursive: true, force: true });
  });

  async function download(key: string): Promise<Buffer> {
    const file = await client.getFile(key);
    return Buffer.from(await (await fetch(file.url)).arrayBuffer());
  }

  /** The multipart uploads S3 holds open under the user's folder. */
  async function openUploads(): Promise<string[]> {
    const { url } = await client.getFile('single.bin');
    const s3 = new S3Client({
      region: account.region,
      endpoint: new URL(url).origin,
      forcePathStyle: true,
      credentials: account.functionRole,
    });
    const listed = await s3.send(
      new ListMultipartUploadsCommand({ Bucket: account.bucket, Prefix: `${identityId}/` }),
    );
    return (listed.Uploads ?? []).map((upload) => upload.UploadId ?? '');
  }

  it('a small Blob: one presigned PUT, content type application/octet-stream by default', async () => {
    const data = randomBytes(MiB);
    const seen: Progress[] = [];
    const stored = await client.upload(new Blob([data]), {
      key: 'single.bin',
      onProgress: (p) => seen.push(p),
    });
    expect(stored).to.include({ key: 'single.bin', size: MiB });
    expect(partPuts).to.deep.equal([0]);
    expect(seen.at(-1)).to.deep.equal({ loaded: MiB, total: MiB });
    expect((await client.getFile('single.bin')).contentType).to.equal('application/octet-stream');
    expect((await download('single.bin')).equals(data)).to.equal(true);
    // The client computed the CRC-32 and the presigned PUT carried it: S3 keeps it as the object's.
    const s3 = new S3Client({
      region: account.region,
      endpoint: new URL((await client.getFile('single.bin')).url).origin,
      forcePathStyle: true,
      credentials: account.functionRole,
    });
    const head = await s3.send(
      new HeadObjectCommand({
        Bucket: account.bucket,
        Key: `${identityId}/single.bin`,
        ChecksumMode: 'ENABLED',
      }),
    );
    expect(head.ChecksumCRC32).to.equal(crc32Base64(crc32(data)));
  });

  it('computes the CRC-32 as zlib does, for a Blob read in chunks and for bytes', async () => {
    for (const size of [0, 1, 1000, 4 * MiB + 3]) {
      const data = randomBytes(size);
      expect(await clientCrc32Base64(new Blob([data])), String(size)).to.equal(crc32Base64(crc32(data)));
      expect(await clientCrc32Base64(new Uint8Array(data)), String(size)).to.equal(crc32Base64(crc32(data)));
    }
  });

  it('12 MiB in three parts, in parallel, with byte progress up to the total', async () => {
    const data = randomBytes(12 * MiB);
    const seen: Progress[] = [];
    const stored = await client.upload(data, {
      key: 'videos/twelve.bin',
      contentType: 'video/mp4',
      onProgress: (p) => seen.push(p),
    });
    expect(stored).to.include({ key: 'videos/twelve.bin', size: 12 * MiB });
    expect(stored.etag).to.match(/-3$/);
    expect([...partPuts].sort()).to.deep.equal([1, 2, 3]);
    expect(seen.at(-1)).to.deep.equal({ loaded: 12 * MiB, total: 12 * MiB });
    expect((await client.getFile('videos/twelve.bin')).contentType).to.equal('video/mp4');
    expect((await download('videos/twelve.bin')).equals(data)).to.equal(true);
  });

  it('retries a part that fails twice (no answer, then S3 503) and completes', async () => {
    const data = randomBytes(12 * MiB);
    let failures = 0;
    rule = (partNumber) => {
      if (partNumber !== 2 || failures >= 2) return undefined;
      failures++;
      if (failures === 1) throw new TypeError('fetch failed');
      return new Response(
        '<Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message></Error>',
        {
          status: 503,
        },
      );
    };
    await client.upload(data, { key: 'retried.bin' });
    expect(partPuts.filter((n) => n === 2)).to.have.length(3);
    expect((await download('retried.bin')).equals(data)).to.equal(true);
  });

  it('re-signs the remaining parts when their URLs expire mid-way (S3: AccessDenied, Request has expired)', async () => {
    const data = randomBytes(17 * MiB);
    // Once part 1 is in, every URL of the first plan has expired; re-signed ones work.
    rule = (partNumber) =>
      partNumber > 1 && resigned.length === 0 ? new Response(EXPIRED, { status: 403 }) : undefined;
    const oneAtATime = createLockboxClient(system.config, { fetch: transport, partConcurrency: 1, storage });
    await oneAtATime.upload(data, { key: 'expired-midway.bin' });
    expect(resigned).to.deep.equal([[2, 3, 4]]); // once, for every part still to send
    expect(partPuts).to.deep.equal([1, 2, 2, 3, 4]);
    expect((await download('expired-midway.bin')).equals(data)).to.equal(true);
  });

  it('resumes an interrupted upload by its uploadId, sending only the missing parts', async () => {
    const data = randomBytes(12 * MiB);
    let uploadId = '';
    rule = (partNumber) => {
      if (partNumber === 3) throw new TypeError('fetch failed'); // the network is gone for part 3
      return undefined;
    };
    const broken = await failure(
      client.upload(data, { key: 'resumed.bin', onUploadId: (id) => (uploadId = id) }),
    );
    expect(broken.code).to.equal('UploadFailed');
    expect(await openUploads()).to.include(uploadId); // kept open: the caller took its id

    rule = () => undefined;
    partPuts = [];
    const seen: Progress[] = [];
    const stored = await client.upload(data, {
      key: 'resumed.bin',
      resume: { uploadId },
      onProgress: (p) => seen.push(p),
    });
    expect(partPuts).to.deep.equal([3]);
    expect(seen[0]?.loaded).to.equal(10 * MiB); // the two parts S3 held count from the start
    expect(stored).to.include({ size: 12 * MiB });
    expect((await download('resumed.bin')).equals(data)).to.equal(true);
    expect(await openUploads()).to.not.include(uploadId);
  });

  it('refuses to resume with a file of another size', async () => {
    let uploadId = '';
    rule = (partNumber) => {
      if (partNumber === 2) throw new TypeError('fetch failed');
      return undefined;
    };
    await failure(
      client.upload(randomBytes(12 * MiB), { key: 'other-size.bin', onUploadId: (id) => (uploadId = id) }),
    );
    const error = await failure(
      client.upload(randomBytes(11 * MiB), { key: 'other-size.bin', resume: { uploadId } }),
    );
    expect(error.code).to.equal('Conflict');
  });

  it('in a browser, sends with XMLHttpRequest and reports its upload progress events', async () => {
    /** XMLHttpRequest as a browser has it, over fetch: one progress event half-way, one at the end. */
    class FakeXhr {
      static sent = 0;
      private url = '';
      private readonly headers: Record<string, string> = {};
      private answer: Response | undefined;
      status = 0;
      responseText = '';
      readonly upload: { onprogress: ((event: { loaded: number }) => void) | null } = { onprogress: null };
      onload: (() => void) | null = null;
      onerror: (() => void) | null = null;
      onabort: (() => void) | null = null;
      open(_method: string, url: string) {
        this.url = url;
      }
      setRequestHeader(name: string, value: string) {
        this.headers[name] = value;
      }
      getResponseHeader(name: string) {
        return this.answer?.headers.get(name) ?? null;
      }
      abort() {}
      send(body: Blob | Uint8Array) {
        FakeXhr.sent++;
        const size = body instanceof Uint8Array ? body.byteLength : body.size;
        this.upload.onprogress?.({ loaded: Math.floor(size / 2) });
        fetch(this.url, { method: 'PUT', headers: this.headers, body }).then(
          async (answer) => {
            this.answer = answer;
            this.status = answer.status;
            this.responseText = await answer.text();
            this.upload.onprogress?.({ loaded: size });
            this.onload?.();
          },
          () => this.onerror?.(),
        );
      }
    }
    const globals = globalThis as { XMLHttpRequest?: unknown };
    globals.XMLHttpRequest = FakeXhr;
    try {
      const browser = createLockboxClient(system.config, { storage });
      const data = randomBytes(12 * MiB);
      const seen: number[] = [];
      await browser.upload(new Blob([data]), { key: 'browser.bin', onProgress: (p) => seen.push(p.loaded) });
      expect(FakeXhr.sent).to.equal(3);
      expect(seen).to.include(2.5 * MiB); // half of part 1 (or 2), before any part finished
      expect(seen.at(-1)).to.equal(12 * MiB);
      expect((await download('browser.bin')).equals(data)).to.equal(true);
    } finally {
      delete globals.XMLHttpRequest;
    }
  });

  it('aborts on cancel: no upload is left on S3, and the upload id is gone', async () => {
    const data = randomBytes(17 * MiB);
    const controller = new AbortController();
    let uploadId = '';
    const before = await openUploads();
    const error = await failure(
      client.upload(data, {
        key: 'cancelled.bin',
        signal: controller.signal,
        onUploadId: (id) => (uploadId = id),
        onProgress: ({ loaded }) => {
          if (loaded >= 5 * MiB) controller.abort(); // the user cancels once a part is in
        },
      }),
    );
    expect(error.code).to.equal('Aborted');
    expect(uploadId).to.not.equal('');
    expect(await openUploads()).to.deep.equal(before.filter((id) => id !== uploadId));
    const resume = await failure(client.upload(data, { key: 'cancelled.bin', resume: { uploadId } }));
    expect(resume).to.include({ code: 'NotFound', status: 404 });
    expect((await client.listFiles()).files.map((f) => f.key)).to.not.include('cancelled.bin');
  });
});
