import { UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import {
  DeleteObjectCommand,
  ListObjectsV2Command,
  ListObjectVersionsCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { expect } from 'chai';
import fc from 'fast-check';
import { BUCKET, REGION, type S3Server, startS3Server } from '../../devtools/local-s3';
import { abortUpload } from '../../handlers/abort-upload';
import { completeUpload } from '../../handlers/complete-upload';
import { createUpload } from '../../handlers/create-upload';
import { deleteFile } from '../../handlers/delete-file';
import { deleteFiles } from '../../handlers/delete-files';
import { getUsage } from '../../handlers/get-usage';
import { type IdentityId, userFolder } from '../../handlers/lib/files/keys';
import { uploadReservationId } from '../../handlers/lib/quotas/lifetimes';
import type { QuotaDeps } from '../../handlers/lib/quotas/quota-deps';
import { keptByUser, reconcileUsage } from '../../handlers/lib/quotas/reconcile';
import {
  MAX_OPEN_RESERVATIONS,
  openReservations,
  readUsageItem,
  release,
  reserve,
} from '../../handlers/lib/quotas/reservations';
import type { CallerDeps, UploadDeps } from '../../handlers/lib/wiring/deps';
import { putFile } from '../../handlers/put-file';
import { restoreFiles } from '../../handlers/restore-files';
import { usageReconciler } from '../../handlers/usage-reconciler';
import { usageRecorder } from '../../handlers/usage-recorder';
import { type LocalDynamoDb, startDynamoDb } from '../../local/dynamodb';
import { objectCreatedEvent, objectRemovedEvent } from '../../local/lambda/s3-notification';
import { callRoute } from '../support/call';
import { IDENTITY_POOL_ID, identityId, ORIGIN } from '../support/events';
import { logTo } from '../support/log-lines';
import { putParts, TEST_LIMITS, testBytes } from '../support/upload-deps';

// The quotas end to end: the handlers on the embedded S3 (versioned as the stack's bucket, it checks
// presigned signatures, reports every stored or deleted version with a sequencer as S3's notifications
// do, and runs the bucket's lifecycle rule when told) and dynalite; the usage recorder gets each
// notification as Lambda would. "Settled" = every notification applied.
/** The undo window the test bucket's lifecycle rule keeps noncurrent versions (the stack's default). */
const UNDO_DAYS = 30;

describe('quotas (embedded S3 + dynalite)', () => {
  let s3: S3Server;
  let db: LocalDynamoDb;
  let client: S3Client;
  let deps: UploadDeps;
  const inFlight = new Set<Promise<void>>();
  /** While set, notifications wait here instead of reaching the recorder (to deliver them reordered). */
  let held: unknown[] | undefined;
  const deliver = (event: unknown) => {
    const applied = record(event).finally(() => inFlight.delete(applied));
    inFlight.add(applied);
  };
  const notify = (event: unknown) => {
    if (held === undefined) deliver(event);
    else held.push(event);
  };
  let record: (event: unknown) => Promise<void>;
  const settled = async () => {
    while (inFlight.size > 0) await Promise.all(inFlight);
  };

  before(async () => {
    db = await startDynamoDb();
    record = usageRecorder({ dynamodb: db.client, table: db.tableName }, BUCKET, () => {});
    s3 = await startS3Server({
      versionedBuckets: [BUCKET],
      lifecycle: {
        rules: { [BUCKET]: [{ prefix: '', noncurrentDays: UNDO_DAYS, abortIncompleteUploadDays: 1 }] },
      },
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
      removeOne: deleteFile(plain),
      restore: restoreFiles(plain, q),
    };
  };
  const put = (h: ReturnType<typeof handlers>, user: string, key: string, bytes: Buffer) =>
    callRoute('PUT /file', h.put, user, { query: { key }, body: bytes });
  const DAY_MS = 24 * 60 * 60 * 1000;
  /** The bucket's lifecycle pass as S3 would run it a day after the undo window. */
  const expireAll = () => s3.expireNow(Date.now() + (UNDO_DAYS + 1) * DAY_MS);
  const versionsOf = async (user: string, key: string) =>
    (await client.send(new ListObjectVersionsCommand({ Bucket: BUCKET, Prefix: `${user}/${key}` })))
      .Versions ?? [];
  const usageOf = async (h: ReturnType<typeof handlers>, user: string) => {
    await settled();
    return (await callRoute('GET /usage', h.usage, user)).body;
  };
  /** What S3 keeps of the folder, as the daily check counts it: every version's bytes, the current ones', files. */
  const keptSize = async (user: IdentityId) => {
    const kept = (await keptByUser(client, BUCKET, userFolder(user))).get(user);
    const { bytes, currentBytes, files } = kept ?? { bytes: 0, currentBytes: 0, files: 0 };
    return { bytes, currentBytes, versionBytes: bytes - currentBytes, files };
  };
  /** The folder's current files: ListObjectsV2 over the user's folder. */
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
    const empty = { bytes: 0, currentBytes: 0, versionBytes: 0, files: 0, quotaBytes: 1000 };
    expect(await usageOf(h, user)).to.deep.equal(empty);
    expect((await put(h, user, 'a.txt', testBytes(300))).status).to.equal(201);
    expect((await put(h, user, 'b/c.txt', testBytes(200))).status).to.equal(201);
    expect(await usageOf(h, user)).to.deep.equal({ ...empty, bytes: 500, currentBytes: 500, files: 2 });
  });

  it('counts old versions until they go: after "PUT 3 MiB, DELETE" a second 3 MiB is refused in 4 MiB; a version delete or the expiry frees them', async () => {
    const MiB = 1024 * 1024;
    const h = handlers(4 * MiB);
    const user = identityId();
    expect((await put(h, user, 'big.bin', testBytes(3 * MiB))).status).to.equal(201);
    expect(
      (await callRoute('DELETE /file', h.removeOne, user, { query: { key: 'big.bin' } })).status,
    ).to.equal(204);
    expect(await usageOf(h, user)).to.deep.equal({
      bytes: 3 * MiB,
      currentBytes: 0,
      versionBytes: 3 * MiB,
      files: 0,
      quotaBytes: 4 * MiB,
    });
    const refused = await put(h, user, 'again.bin', testBytes(3 * MiB));
    expect(refused.status).to.equal(409);
    expect(refused.body.error.code).to.equal('QuotaExceeded');
    // Deleting the old version frees its bytes at once.
    const [old] = await versionsOf(user, 'big.bin');
    const removed = await callRoute('DELETE /file', h.removeOne, user, {
      query: { key: 'big.bin', versionId: old.VersionId as string },
    });
    expect(removed.status).to.equal(204);
    expect(await usageOf(h, user)).to.deep.include({ bytes: 0, versionBytes: 0 });
    expect((await put(h, user, 'again.bin', testBytes(3 * MiB))).status).to.equal(201);
    // An overwrite keeps the old version; the lifecycle rule's expiry frees it, and only it.
    expect((await put(h, user, 'again.bin', testBytes(MiB, 2))).status).to.equal(201);
    expect(await usageOf(h, user)).to.deep.include({ bytes: 4 * MiB, versionBytes: 3 * MiB });
    const report = await expireAll();
    expect(report[BUCKET].expiredVersions).to.be.greaterThan(0);
    expect(await usageOf(h, user)).to.deep.equal({ ...(await keptSize(user)), quotaBytes: 4 * MiB });
    expect(await usageOf(h, user)).to.deep.include({ bytes: MiB, currentBytes: MiB, versionBytes: 0 });
  });

  it("DELETE /file?versionId=: only a noncurrent version of the caller's own file; anything else a clear 4xx, nothing deleted", async () => {
    const h = handlers(100_000);
    const [user, other] = [identityId(), identityId()];
    await put(h, user, 'doc.txt', testBytes(100, 1));
    await put(h, user, 'doc.txt', testBytes(200, 2));
    await put(h, other, 'doc.txt', testBytes(300, 3));
    await settled();
    const [current, noncurrent] = await versionsOf(user, 'doc.txt');
    const [othersVersion] = await versionsOf(other, 'doc.txt');
    const attempt = (versionId: string, key = 'doc.txt') =>
      callRoute('DELETE /file', h.removeOne, user, { query: { key, versionId } });
    const isCurrent = await attempt(current.VersionId as string);
    expect(isCurrent.status).to.equal(409);
    expect(isCurrent.body.error.code).to.equal('Conflict');
    expect((await attempt(othersVersion.VersionId as string)).status).to.equal(404);
    expect((await attempt(noncurrent.VersionId as string, 'other.txt')).status).to.equal(404);
    const bad = await attempt('../x?y');
    expect(bad.status).to.equal(400);
    expect(bad.body.error.code).to.equal('BadRequest');
    expect(await versionsOf(user, 'doc.txt')).to.have.length(2);
    expect(await versionsOf(other, 'doc.txt')).to.have.length(1);
    expect((await attempt(noncurrent.VersionId as string)).status).to.equal(204);
    expect((await versionsOf(user, 'doc.txt')).map((v) => v.VersionId)).to.deep.equal([current.VersionId]);
    expect(await usageOf(h, user)).to.deep.include({ bytes: 200, versionBytes: 0 });
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

  it('POST /uploads/abort frees nothing after a complete, with another key, or for an unknown upload', async () => {
    const size = TEST_LIMITS.multipartThresholdBytes * 2;
    const quotaBytes = Math.floor(size * 1.2);
    const h = handlers(quotaBytes);
    const user = identityId();
    const start = (key: string) =>
      callRoute('POST /uploads', h.create, user, {
        body: { key, size, contentType: 'application/octet-stream' },
      });
    const abort = (key: string, uploadId: string) =>
      callRoute('POST /uploads/abort', h.abort, user, { body: { key, uploadId } });
    const charged = async () => Number((await readUsageItem(quota(0).store, user))?.charged?.N ?? 0);
    const started = await start('big.bin');
    expect(started.body.type).to.equal('multipart');
    // Another key, an unknown upload: 204, and the reservation holds.
    expect((await abort('other.bin', started.body.uploadId)).status).to.equal(204);
    expect((await abort('big.bin', 'unknown-upload-id')).status).to.equal(204);
    expect(await charged()).to.equal(size);
    expect((await start('second.bin')).body.error.code).to.equal('QuotaExceeded');
    // Completed, then aborted before S3's event is counted: the abort frees nothing.
    held = [];
    const parts = await putParts(started.body.parts, started.body.partSize, testBytes(size));
    const completed = await callRoute('POST /uploads/complete', h.complete, user, {
      body: { key: 'big.bin', uploadId: started.body.uploadId, parts },
    });
    expect(completed.status).to.equal(200);
    expect((await abort('big.bin', started.body.uploadId)).status).to.equal(204);
    expect(await charged()).to.equal(size);
    expect((await start('second.bin')).body.error.code).to.equal('QuotaExceeded');
    const events = held;
    held = undefined;
    for (const event of events) deliver(event);
    expect(await usageOf(h, user)).to.deep.include({ bytes: size, files: 1 });
    expect(await charged()).to.equal(size);
    expect((await start('second.bin')).body.error.code).to.equal('QuotaExceeded');
  });

  it('POST /uploads: 1,000 reservations of 1 KiB keys answer 409 TooManyUploads past the cap, never a 5xx', async function () {
    this.timeout(600_000);
    const h = handlers(1_000_000_000);
    const user = identityId();
    // The longest key a user may have: 1024 bytes with the folder.
    const longKey = (i: number) => `${String(i).padStart(4, '0')}-${'k'.repeat(1024 - user.length - 1 - 5)}`;
    const statuses: number[] = [];
    const codes = new Set<string>();
    for (let batch = 0; batch < 1000; batch += 20) {
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          callRoute('POST /uploads', h.create, user, {
            body: { key: longKey(batch + i), size: 1, contentType: 'text/plain' },
          }),
        ),
      );
      for (const r of results) {
        statuses.push(r.status);
        if (r.status !== 200) codes.add(r.body.error.code);
      }
    }
    expect(statuses.filter((s) => s === 200)).to.have.length(MAX_OPEN_RESERVATIONS);
    expect(statuses.filter((s) => s === 409)).to.have.length(1000 - MAX_OPEN_RESERVATIONS);
    expect([...codes]).to.deep.equal(['TooManyUploads']);
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

  it('property: random puts, overwrites, deletes, restores, version deletes and expiries, their events duplicated and reordered, end at the ListObjectVersions sum', async function () {
    this.timeout(300_000);
    const h = handlers(1_000_000);
    const op = fc.record({
      kind: fc.constantFrom('put', 'put', 'delete', 'restore', 'deleteVersion', 'expire'),
      file: fc.integer({ min: 0, max: 2 }),
      size: fc.integer({ min: 0, max: 3000 }),
      pick: fc.nat(),
    });
    await fc.assert(
      fc.asyncProperty(
        fc.array(op, { minLength: 1, maxLength: 10 }),
        fc.array(fc.nat()),
        async (ops, ranks) => {
          const user = identityId();
          held = [];
          for (const o of ops) {
            const key = `f${o.file}`;
            const old = (await versionsOf(user, key)).filter((v) => v.IsLatest !== true);
            const chosen = old.length === 0 ? undefined : old[o.pick % old.length];
            if (o.kind === 'put') await put(h, user, key, testBytes(o.size, o.pick));
            else if (o.kind === 'delete')
              await callRoute('DELETE /file', h.removeOne, user, { query: { key } });
            else if (o.kind === 'expire') await expireAll();
            else if (chosen !== undefined && o.kind === 'restore')
              await callRoute('POST /files/restore', h.restore, user, {
                body: { items: [{ key, versionId: chosen.VersionId }] },
              });
            else if (chosen !== undefined)
              await callRoute('DELETE /file', h.removeOne, user, {
                query: { key, versionId: chosen.VersionId as string },
              });
          }
          // Every notification once, half of them twice, in an order of the property's choosing.
          const events = [...held, ...held.filter((_, i) => i % 2 === 0)];
          held = undefined;
          const order = events
            .map((event, i) => ({ event, rank: ranks[i] ?? i }))
            .sort((a, b) => a.rank - b.rank);
          for (const { event } of order) deliver(event);
          const kept = await keptSize(user);
          expect(await usageOf(h, user)).to.deep.equal({ ...kept, quotaBytes: 1_000_000 });
        },
      ),
      { numRuns: 12 },
    );
  });

  it('30 concurrent overwrites of one key settle every reservation: the caller can then reserve all the rest', async () => {
    const size = 300 * 1024;
    const quotaBytes = 40 * size;
    const h = handlers(quotaBytes);
    const user = identityId();
    const results = await Promise.all(
      Array.from({ length: 30 }, (_, i) => put(h, user, 'same.bin', testBytes(size, i))),
    );
    expect(results.map((r) => r.status)).to.deep.equal(Array(30).fill(201));
    const usage = await usageOf(h, user);
    expect(usage).to.deep.include({ bytes: 30 * size, currentBytes: size, files: 1 });
    const item = await readUsageItem(quota(0).store, user);
    expect(openReservations(item)).to.deep.equal([]);
    expect(Number(item?.charged?.N)).to.equal(30 * size);
    // Nothing held back: exactly the rest of the quota can be reserved, not a byte more.
    const rest = { s3Key: `${user}/next.bin`, expiresAt: Date.now() + 60_000 };
    await reserve(quota(0).store, user, quotaBytes, { ...rest, id: 'all', size: quotaBytes - 30 * size });
    expect(await release(quota(0).store, user, 'all')).to.equal(true);
    try {
      await reserve(quota(0).store, user, quotaBytes, {
        ...rest,
        id: 'over',
        size: quotaBytes - 30 * size + 1,
      });
      expect.fail('reserved past the quota');
    } catch (error) {
      expect((error as Error).name).to.equal('QuotaExceededError');
    }
  });

  it('a single-PUT URL stores once; replayed after a delete, once more per delete: the documented bound', async () => {
    const size = 4_000;
    const quotaBytes = 10_000;
    const h = handlers(quotaBytes);
    const user = identityId();
    await put(h, user, 'filler.bin', testBytes(quotaBytes - size));
    const started = await callRoute('POST /uploads', h.create, user, {
      body: { key: 'u.bin', size, contentType: 'application/octet-stream' },
    });
    expect(started.body.type).to.equal('single');
    const send = () =>
      fetch(started.body.url, { method: 'PUT', headers: started.body.headers, body: testBytes(size, 9) });
    expect((await send()).status).to.equal(200);
    expect(await usageOf(h, user)).to.deep.include({ bytes: quotaBytes });
    // Replayed while the file exists: S3 refuses it (If-None-Match: *), nothing stored.
    expect((await send()).status).to.equal(412);
    expect(await versionsOf(user, 'u.bin')).to.have.length(1);
    // Over an existing file, POST /uploads gives a multipart upload, which completes once through the API.
    const over = await callRoute('POST /uploads', h.create, user, {
      body: { key: 'u.bin', size: 10, contentType: 'application/octet-stream' },
    });
    expect(over.status).to.equal(409);
    expect(over.body.error.code).to.equal('QuotaExceeded');
    // The case: the file deleted, the URL replayed within its 5 minutes. It stores once per
    // delete (size × deletes of the key while the URL lives: docs/quotas.md), and counts.
    await callRoute('DELETE /file', h.removeOne, user, { query: { key: 'u.bin' } });
    expect((await send()).status).to.equal(200);
    expect((await send()).status).to.equal(412);
    const after = await usageOf(h, user);
    expect(after.bytes).to.equal(quotaBytes + size);
    expect(after).to.deep.equal({ ...(await keptSize(user)), quotaBytes });
    expect((await put(h, user, 'more.bin', testBytes(1))).status).to.equal(409);
  });

  it('over an existing file, POST /uploads is multipart whatever the size', async () => {
    const h = handlers(100_000);
    const user = identityId();
    await put(h, user, 'small.txt', testBytes(10));
    const started = await callRoute('POST /uploads', h.create, user, {
      body: { key: 'small.txt', size: 20, contentType: 'text/plain' },
    });
    expect(started.status).to.equal(200);
    expect(started.body.type).to.equal('multipart');
    expect(started.body.parts).to.have.length(1);
  });

  it('the daily usage check logs a drift planted in the ledger, and none once it is fixed', async () => {
    const h = handlers(100_000);
    const user = identityId();
    await put(h, user, 'a.txt', testBytes(100));
    await put(h, user, 'a.txt', testBytes(50));
    await settled();
    const store = quota(0).store;
    await store.dynamodb.send(
      new UpdateItemCommand({
        TableName: store.table,
        Key: { user: { S: user }, item: { S: 'usage' } },
        UpdateExpression: 'ADD bytes :drift',
        ExpressionAttributeValues: { ':drift': { N: '-40' } },
      }),
    );
    const lines: string[] = [];
    const check = usageReconciler({ s3: client, bucket: BUCKET }, store, `${REGION}:`, logTo(lines));
    await check();
    const found = JSON.parse(lines[0] as string);
    expect(found).to.include({ worker: 'usage-reconciler' });
    expect(found.users).to.include(user);
    expect(found.usersWithDrift).to.be.at.least(1);
    const [drift] = await reconcileUsage(store, client, BUCKET, `${user}/`, [user], true);
    expect(drift).to.deep.equal({
      identityId: user,
      recorded: { bytes: 110, currentBytes: 50, files: 1 },
      kept: { bytes: 150, currentBytes: 50, files: 1 },
      outcome: 'fixed',
    });
    await check();
    expect(JSON.parse(lines[1] as string).users).to.not.include(user);
    expect(await usageOf(h, user)).to.deep.include({ bytes: 150, versionBytes: 100 });
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
    // B's own file went (its version stays for undo, still counted).
    expect(await usageOf(h, b)).to.deep.include({ bytes: 900, currentBytes: 0, files: 0 });
  });

  it('property: concurrent puts, overwrites, deletes, folder deletes and uploads by one user leave usage == what S3 keeps', async function () {
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
        const kept = await keptSize(user);
        expect(await usageOf(h, user)).to.deep.equal({ ...kept, quotaBytes: 1_000_000 });
      }),
      { numRuns: 15 },
    );
  });
});
