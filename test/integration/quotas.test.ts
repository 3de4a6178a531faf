import { DeleteObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { expect } from 'chai';
import fc from 'fast-check';
import { type LocalDynamoDb, startDynamoDb } from '../../devtools/dynamodb';
import { BUCKET, REGION, type S3Server, startS3Server } from '../../devtools/local-s3';
import { abortUpload } from '../../handlers/abort-upload';
import { completeUpload } from '../../handlers/complete-upload';
import { createUpload } from '../../handlers/create-upload';
import { deleteFiles } from '../../handlers/delete-files';
import { getUsage } from '../../handlers/get-usage';
import type { QuotaDeps } from '../../handlers/lib/quotas/deps';
import { uploadReservationId } from '../../handlers/lib/quotas/lifetimes';
import { release } from '../../handlers/lib/quotas/reservations';
import type { CallerDeps, UploadDeps } from '../../handlers/lib/wiring/deps';
import { putFile } from '../../handlers/put-file';
import { usageRecorder } from '../../handlers/usage-recorder';
import { objectCreatedEvent, objectRemovedEvent } from '../../local/lambda/s3-notification';
import { callRoute } from '../support/call';
import { IDENTITY_POOL_ID, identityId, ORIGIN } from '../support/events';
import { putParts, TEST_LIMITS, testBytes } from '../support/upload-deps';

// The quotas end to end: the handlers on local/s3 (it checks presigned signatures and reports
// every stored or deleted object, with a sequencer, as S3's notifications do) and dynalite; the usage
// recorder gets each notification as Lambda would. "Settled" = every notification applied.
describe('quotas (local/s3 + dynalite)', () => {
  let s3: S3Server;
  let db: LocalDynamoDb;
  let client: S3Client;
  let deps: UploadDeps;
  const inFlight = new Set<Promise<void>>();
  const notify = (event: unknown) => {
    const applied = record(event).finally(() => inFlight.delete(applied));
    inFlight.add(applied);
  };
  let record: (event: unknown) => Promise<void>;
  const settled = async () => {
    while (inFlight.size > 0) await Promise.all(inFlight);
  };

  before(async () => {
    db = await startDynamoDb();
    record = usageRecorder({ dynamodb: db.client, table: db.tableName }, BUCKET, () => {});
    s3 = await startS3Server({
      onObjectCreated: (object) => notify(objectCreatedEvent(object, REGION)),
      onObjectRemoved: (object) => notify(objectRemovedEvent(object, REGION)),
    });
    client = s3.client;
    const http = { allowedOrigins: [ORIGIN], identityPoolId: IDENTITY_POOL_ID, log: () => {} };
    const presigner = s3.newClient({ requestChecksumCalculation: 'WHEN_REQUIRED' });
    deps = {
      s3: client,
      s3ForCaller: () => client,
      presignerForCaller: () => presigner,
      bucket: BUCKET,
      http,
    };
  });
  after(async () => {
    await settled();
    await s3?.stop();
    await db?.stop();
  });

  const quota = (quotaBytes: number): QuotaDeps => ({
    store: { dynamodb: db.client, table: db.tableName },
    quotaBytes,
  });
  const handlers = (quotaBytes: number) => {
    const q = quota(quotaBytes);
    const plain: CallerDeps = deps;
    return {
      put: putFile(plain, { maxBytes: 4 * 1024 * 1024 }, q),
      create: createUpload(deps, TEST_LIMITS, q),
      complete: completeUpload(plain, q),
      abort: abortUpload(plain, q.store),
      usage: getUsage(plain, q),
      remove: deleteFiles(plain),
    };
  };
  const put = (h: ReturnType<typeof handlers>, user: string, key: string, bytes: Buffer) =>
    callRoute('PUT /file', h.put, user, { query: { key }, body: bytes });
  const usageOf = async (h: ReturnType<typeof handlers>, user: string) => {
    await settled();
    return (await callRoute('GET /usage', h.usage, user)).body;
  };
  /** The folder's real size: ListObjectsV2 over the user's folder. */
  const folderSize = async (user: string) => {
    let bytes = 0;
    let files = 0;
    let token: string | undefined;
    do {
      const page = await client.send(
        new ListObjectsV2Command({ Bucket: BUCKET, Prefix: `${user}/`, ContinuationToken: token }),
      );
      for (const object of page.Contents ?? []) {
        bytes += object.Size ?? 0;
        files++;
      }
      token = page.NextContinuationToken;
    } while (token !== undefined);
    return { bytes, files };
  };

  it('GET /usage: zero for a new user, then what S3 holds, with the quota', async () => {
    const h = handlers(1000);
    const user = identityId();
    expect(await usageOf(h, user)).to.deep.equal({ bytes: 0, files: 0, quotaBytes: 1000 });
    expect((await put(h, user, 'a.txt', testBytes(300))).status).to.equal(201);
    expect((await put(h, user, 'b/c.txt', testBytes(200))).status).to.equal(201);
    expect(await usageOf(h, user)).to.deep.equal({ bytes: 500, files: 2, quotaBytes: 1000 });
  });

  it('PUT /file: refuses a body that would pass the quota with 409 QuotaExceeded, storing nothing', async () => {
    const h = handlers(1000);
    const user = identityId();
    await put(h, user, 'a.bin', testBytes(800));
    await settled();
    const refused = await put(h, user, 'b.bin', testBytes(201));
    expect(refused.status).to.equal(409);
    expect(refused.body.error.code).to.equal('QuotaExceeded');
    expect(refused.body.error.message).to.not.include(BUCKET);
    expect((await put(h, user, 'c.bin', testBytes(200))).status).to.equal(201);
    expect(await folderSize(user)).to.deep.equal({ bytes: 1000, files: 2 });
  });

  it('POST /uploads: reserves the declared size, refuses what does not fit, and frees it on abort', async () => {
    const h = handlers(TEST_LIMITS.maxFileBytes);
    const user = identityId();
    const size = TEST_LIMITS.multipartThresholdBytes * 2;
    const started = await callRoute('POST /uploads', h.create, user, {
      body: { key: 'big.bin', size, contentType: 'application/octet-stream' },
    });
    expect(started.status).to.equal(200);
    expect(started.body.type).to.equal('multipart');
    // Nothing is stored yet, but the reservation holds the room.
    const second = await callRoute('POST /uploads', h.create, user, {
      body: { key: 'other.bin', size: TEST_LIMITS.maxFileBytes - size + 1, contentType: 'text/plain' },
    });
    expect(second.status).to.equal(409);
    expect(second.body.error.code).to.equal('QuotaExceeded');
    await callRoute('POST /uploads/abort', h.abort, user, {
      body: { key: 'big.bin', uploadId: started.body.uploadId },
    });
    const third = await callRoute('POST /uploads', h.create, user, {
      body: { key: 'other.bin', size: TEST_LIMITS.maxFileBytes - size + 1, contentType: 'text/plain' },
    });
    expect(third.status).to.equal(200);
  });

  it('POST /uploads/complete: completes within the reservation, counts the file once, and frees the room', async () => {
    const h = handlers(TEST_LIMITS.maxFileBytes);
    const user = identityId();
    const size = TEST_LIMITS.multipartThresholdBytes * 2;
    const bytes = testBytes(size, 7);
    const started = await callRoute('POST /uploads', h.create, user, {
      body: { key: 'big.bin', size, contentType: 'application/octet-stream' },
    });
    const parts = await putParts(started.body.parts, started.body.partSize, bytes);
    const completed = await callRoute('POST /uploads/complete', h.complete, user, {
      body: { key: 'big.bin', uploadId: started.body.uploadId, parts },
    });
    expect(completed.status).to.equal(200);
    expect(await usageOf(h, user)).to.deep.include({ bytes: size, files: 1 });
    // The reservation went with the event: exactly the rest of the quota is free.
    const rest = TEST_LIMITS.maxFileBytes - size;
    expect((await put(h, user, 'rest', testBytes(Math.min(rest, 4 * 1024 * 1024)))).status).to.equal(201);
  });

  it('POST /uploads/complete: refuses with QuotaExceeded when the lapsed reservation no longer fits', async () => {
    const size = TEST_LIMITS.multipartThresholdBytes * 2;
    const h = handlers(size + 1000);
    const user = identityId();
    const started = await callRoute('POST /uploads', h.create, user, {
      body: { key: 'big.bin', size, contentType: 'application/octet-stream' },
    });
    const parts = await putParts(started.body.parts, started.body.partSize, testBytes(size));
    // The reservation goes (as when it lapses) and another file takes the room.
    expect(await release(quota(0).store, user, uploadReservationId(started.body.uploadId))).to.equal(true);
    expect((await put(h, user, 'filler', testBytes(1001))).status).to.equal(201);
    await settled();
    const refused = await callRoute('POST /uploads/complete', h.complete, user, {
      body: { key: 'big.bin', uploadId: started.body.uploadId, parts },
    });
    expect(refused.status).to.equal(409);
    expect(refused.body.error.code).to.equal('QuotaExceeded');
    expect((await folderSize(user)).files).to.equal(1);
  });

  it('concurrent uploads racing for the last bytes of a quota: none passes it', async () => {
    const h = handlers(10_000);
    const user = identityId();
    await put(h, user, 'base', testBytes(7_000));
    await settled();
    const racers = Array.from({ length: 12 }, (_, i) =>
      i % 2 === 0
        ? put(h, user, `put-${i}`, testBytes(1_000, i))
        : callRoute('POST /uploads', h.create, user, {
            body: { key: `up-${i}`, size: 1_000, contentType: 'text/plain' },
          }).then(async (res) => {
            if (res.status === 200) {
              const sent = await fetch(res.body.url, {
                method: 'PUT',
                headers: res.body.headers,
                body: testBytes(1_000, i),
              });
              expect(sent.status).to.equal(200);
            }
            return res;
          }),
    );
    const results = await Promise.all(racers);
    const accepted = results.filter((r) => r.status === 201 || r.status === 200);
    expect(accepted).to.have.length(3);
    for (const r of results.filter((r) => r.status !== 201 && r.status !== 200))
      expect(r.body.error.code).to.equal('QuotaExceeded');
    expect(await folderSize(user)).to.deep.equal({ bytes: 10_000, files: 4 });
    expect(await usageOf(h, user)).to.deep.include({ bytes: 10_000, files: 4 });
  });

  it("counts only the caller's own files: user A's usage never includes B's", async () => {
    const h = handlers(1000);
    const [a, b] = [identityId(), identityId()];
    await put(h, a, 'same-key', testBytes(600));
    expect((await put(h, b, 'same-key', testBytes(900))).status).to.equal(201);
    expect(await usageOf(h, a)).to.deep.include({ bytes: 600, files: 1 });
    expect(await usageOf(h, b)).to.deep.include({ bytes: 900, files: 1 });
    // B's deletes (of "A's" key, inside B's own folder) change nothing of A's.
    await callRoute('POST /files/delete', h.remove, b, { body: { keys: ['same-key', `${a}/same-key`] } });
    expect(await usageOf(h, a)).to.deep.include({ bytes: 600, files: 1 });
    expect(await usageOf(h, b)).to.deep.include({ bytes: 0, files: 0 });
  });

  it('property: concurrent puts, overwrites, deletes, folder deletes and uploads by one user leave usage == the folder', async function () {
    // Many DynamoDB round trips per run: minutes on a loaded machine, seconds on a quiet one.
    this.timeout(180_000);
    const h = handlers(1_000_000);
    const op = fc.oneof(
      fc.record({
        kind: fc.constant('put' as const),
        file: fc.integer({ min: 0, max: 4 }),
        size: fc.integer({ min: 0, max: 3000 }),
      }),
      fc.record({
        kind: fc.constant('upload' as const),
        file: fc.integer({ min: 0, max: 4 }),
        size: fc.integer({ min: 1, max: 3000 }),
      }),
      fc.record({ kind: fc.constant('delete' as const), file: fc.integer({ min: 0, max: 4 }) }),
      fc.record({ kind: fc.constant('deleteFolder' as const) }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 10 }), async (ops) => {
        const user = identityId();
        const key = (file: number) => (file % 2 === 0 ? `docs/f${file}` : `f${file}`);
        await Promise.all(
          ops.map(async (o) => {
            if (o.kind === 'put') return put(h, user, key(o.file), testBytes(o.size));
            if (o.kind === 'delete')
              return client.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: `${user}/${key(o.file)}` }));
            if (o.kind === 'deleteFolder')
              return callRoute('POST /files/delete', h.remove, user, { body: { keys: ['docs/'] } });
            const res = await callRoute('POST /uploads', h.create, user, {
              body: { key: key(o.file), size: o.size, contentType: 'text/plain' },
            });
            return fetch(res.body.url, { method: 'PUT', headers: res.body.headers, body: testBytes(o.size) });
          }),
        );
        await settled();
        const real = await folderSize(user);
        expect(await usageOf(h, user)).to.deep.equal({ ...real, quotaBytes: 1_000_000 });
      }),
      { numRuns: 15 },
    );
  });
});
