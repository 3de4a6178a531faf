import { expect } from 'chai';
import fc from 'fast-check';
import { USAGE_RECORDER_TIMEOUT_SECONDS, workers } from '../../contract/routes';
import { identityIdOf } from '../../handlers/lib/files/keys';
import { QuotaExceededError } from '../../handlers/lib/http/errors';
import { applyFileEvent, type FileEvent, MARK_KEEP_MS } from '../../handlers/lib/quotas/ledger';
import { openReservations, readUsageItem, release, reserve } from '../../handlers/lib/quotas/reservations';
import { readUsage } from '../../handlers/lib/quotas/usage';
import { type LocalDynamoDb, startDynamoDb } from '../../local/dynamodb';

// The bookkeeping against dynalite (a real DynamoDB API on 127.0.0.1): duplicated, reordered and
// concurrent S3 events leave usage equal to the files' real sizes; racing reservations never pass a quota.
describe('usage ledger (dynalite)', () => {
  let db: LocalDynamoDb;
  let store: { dynamodb: LocalDynamoDb['client']; table: string };
  let users = 0;
  const nextUser = () =>
    identityIdOf(`eu-west-1:00000000-0000-4000-8000-${String(++users).padStart(12, '0')}`);

  before(async () => {
    db = await startDynamoDb();
    store = { dynamodb: db.client, table: db.tableName };
  });
  after(() => db?.stop());

  it("keeps a done mark longer than any recorder run may live (the recorder's timeout)", () => {
    const recorder = workers.find((worker) => worker.fileEvents === true);
    expect(recorder?.timeoutSeconds).to.equal(USAGE_RECORDER_TIMEOUT_SECONDS);
    expect(MARK_KEEP_MS).to.be.greaterThan(2 * USAGE_RECORDER_TIMEOUT_SECONDS * 1000);
  });

  it('counts every version once, however often and in whatever order its events arrive', async () => {
    const user = nextUser();
    const event = (kind: FileEvent['kind'], versionId: string, seq: string, size = 0): FileEvent => ({
      identityId: user,
      s3Key: `${user}/a.txt`,
      kind,
      size,
      sequencer: seq,
      versionId,
    });
    expect(await applyFileEvent(store, event('created', 'v1', '0A', 10))).to.equal('applied');
    expect(await applyFileEvent(store, event('created', 'v1', '0A', 10))).to.equal('duplicate');
    await applyFileEvent(store, event('created', 'v3', '0C', 30));
    // An overwrite's event that comes after a later one: counted, but the later version stays current.
    await applyFileEvent(store, event('created', 'v2', '0B', 20));
    expect(await readUsage(store, user)).to.deep.equal({
      bytes: 60,
      currentBytes: 30,
      versionBytes: 30,
      files: 1,
    });
    // A delete adds a marker: nothing is freed, the file is gone.
    await applyFileEvent(store, event('marker', 'm4', '0D'));
    await applyFileEvent(store, event('marker', 'm4', '0D'));
    expect(await readUsage(store, user)).to.deep.equal({
      bytes: 60,
      currentBytes: 0,
      versionBytes: 60,
      files: 0,
    });
    // Versions removed for good (a delete naming them, the lifecycle rule) free their bytes, once.
    await applyFileEvent(store, event('removed', 'v1', '0E'));
    await applyFileEvent(store, event('removed', 'v1', '0E'));
    await applyFileEvent(store, event('removed', 'm4', '0F'));
    expect(await readUsage(store, user)).to.deep.equal({
      bytes: 50,
      currentBytes: 30,
      versionBytes: 20,
      files: 1,
    });
    // A removal that overtakes its version's creation: the late creation counts nothing.
    await applyFileEvent(store, event('removed', 'v5', '11'));
    expect(await applyFileEvent(store, event('created', 'v5', '10', 99))).to.equal('applied');
    expect(await readUsage(store, user)).to.deep.include({ bytes: 50, currentBytes: 30 });
  });

  it('releases the reservation a created file fills', async () => {
    const user = nextUser();
    const s3Key = `${user}/b.bin`;
    await reserve(store, user, 100, { id: 'r1', s3Key, size: 60, expiresAt: Date.now() + 60_000 });
    try {
      await reserve(store, user, 100, { id: 'r2', s3Key, size: 60, expiresAt: Date.now() + 60_000 });
      expect.fail('reserved past the quota');
    } catch (error) {
      expect(error).to.be.instanceOf(QuotaExceededError);
    }
    await applyFileEvent(store, {
      identityId: user,
      s3Key,
      kind: 'created',
      size: 60,
      sequencer: '01',
      versionId: 'v1',
    });
    const item = await readUsageItem(store, user);
    expect(item?.charged?.N).to.equal('60');
    expect(item?.r_r1).to.equal(undefined);
    expect(await release(store, user, 'r1')).to.equal(false);
  });

  it("releases a write's reservation once even when its version was removed before its event came", async () => {
    const user = nextUser();
    const s3Key = `${user}/c.bin`;
    for (const id of ['r1', 'r2'])
      await reserve(store, user, 1000, { id, s3Key, size: 70, expiresAt: Date.now() + 60_000 });
    const created: FileEvent = {
      identityId: user,
      s3Key,
      kind: 'created',
      size: 70,
      sequencer: '01',
      versionId: 'v1',
    };
    await applyFileEvent(store, { ...created, kind: 'removed', sequencer: '02' });
    await applyFileEvent(store, created);
    await applyFileEvent(store, created);
    const item = await readUsageItem(store, user);
    expect(item?.reservationCount?.N).to.equal('1');
    expect(item?.charged?.N).to.equal('70');
    expect(await readUsage(store, user)).to.deep.include({ bytes: 0, files: 0 });
  });

  it('lets a lapsed reservation go when the room is needed', async () => {
    const user = nextUser();
    await reserve(store, user, 100, { id: 'old', s3Key: `${user}/x`, size: 90, expiresAt: Date.now() - 1 });
    await reserve(store, user, 100, {
      id: 'new',
      s3Key: `${user}/y`,
      size: 90,
      expiresAt: Date.now() + 60_000,
    });
    expect((await readUsageItem(store, user))?.charged?.N).to.equal('90');
  });

  it('never reserves past the quota when many requests race for the last bytes', async () => {
    const user = nextUser();
    const attempts = Array.from({ length: 20 }, (_, i) =>
      reserve(store, user, 1000, {
        id: `race${i}`,
        s3Key: `${user}/f${i}`,
        size: 300,
        expiresAt: Date.now() + 60_000,
      }),
    );
    const outcomes = await Promise.allSettled(attempts);
    expect(outcomes.filter((o) => o.status === 'fulfilled')).to.have.length(3);
    for (const o of outcomes)
      if (o.status === 'rejected') expect(o.reason).to.be.instanceOf(QuotaExceededError);
    expect((await readUsageItem(store, user))?.charged?.N).to.equal('900');
  });

  it('property: any concurrent mix of writes, overwrites, deletes, version deletes and expiries, delivered late, twice and out of order, ends at what S3 keeps, every reservation settled', async function () {
    // Many DynamoDB round trips per run: minutes on a loaded machine, seconds on a quiet one.
    this.timeout(300_000);
    const operation = fc.record({
      kind: fc.constantFrom('put', 'put', 'delete', 'removeVersion'),
      file: fc.integer({ min: 0, max: 2 }),
      size: fc.integer({ min: 0, max: 1000 }),
      pick: fc.nat(),
    });
    await fc.assert(
      fc.asyncProperty(
        fc.array(operation, { minLength: 1, maxLength: 12 }),
        fc.array(fc.nat(), { minLength: 24, maxLength: 24 }),
        async (ops, order) => {
          const user = nextUser();
          // S3's versions per key, newest first, as the operations leave them.
          const keys = new Map<number, { id: string; size: number; marker: boolean }[]>();
          const events: FileEvent[] = [];
          for (const [i, op] of ops.entries()) {
            const versions = keys.get(op.file) ?? [];
            keys.set(op.file, versions);
            const base = {
              identityId: user,
              s3Key: `${user}/file${op.file}`,
              sequencer: (0x1000 + i).toString(16),
              size: 0,
            };
            if (op.kind === 'put') {
              // Every write holds its size first, as PUT /file, POST /uploads and restores do.
              await reserve(store, user, 1_000_000, {
                id: `w${i}`,
                s3Key: base.s3Key,
                size: op.size,
                expiresAt: Date.now() + 60_000,
              });
              versions.unshift({ id: `v${i}`, size: op.size, marker: false });
              events.push({ ...base, kind: 'created', size: op.size, versionId: `v${i}` });
            } else if (op.kind === 'delete') {
              versions.unshift({ id: `m${i}`, size: 0, marker: true });
              events.push({ ...base, kind: 'marker', versionId: `m${i}` });
            } else if (versions.length > 0) {
              // A version deleted for good, or expired by the lifecycle rule: any of them, current too.
              const [gone] = versions.splice(op.pick % versions.length, 1);
              events.push({ ...base, kind: 'removed', versionId: gone.id });
            }
          }
          const delivered = [...events, ...events.filter((_, i) => i % 2 === 0)];
          const shuffled = delivered
            .map((event, i) => ({ event, rank: order[i] ?? i }))
            .sort((a, b) => a.rank - b.rank)
            .map(({ event }) => event);
          await Promise.all(shuffled.map((event) => applyFileEvent(store, event)));
          const all = [...keys.values()];
          const bytes = all.flat().reduce((sum, v) => sum + v.size, 0);
          const current = all.map((versions) => versions[0]).filter((v) => v !== undefined && !v.marker);
          const currentBytes = current.reduce((sum, v) => sum + v.size, 0);
          expect(await readUsage(store, user)).to.deep.equal({
            bytes,
            currentBytes,
            versionBytes: bytes - currentBytes,
            files: current.length,
          });
          // Every write's event filled its own hold: none is left, and only stored bytes are charged.
          expect(openReservations(await readUsageItem(store, user))).to.deep.equal([]);
          expect(Number((await readUsageItem(store, user))?.charged?.N ?? 0)).to.equal(bytes);
        },
      ),
      { numRuns: 20 },
    );
  });
});
