import { expect } from 'chai';
import fc from 'fast-check';
import { type LocalDynamoDb, startDynamoDb } from '../../devtools/dynamodb';
import { QuotaExceededError } from '../../handlers/lib/http/errors';
import { applyFileEvent, type FileEvent, MARK_KEEP_MS } from '../../handlers/lib/quotas/ledger';
import { readUsageItem, release, reserve } from '../../handlers/lib/quotas/reservations';
import { readUsage } from '../../handlers/lib/quotas/usage';
import { USAGE_RECORDER_TIMEOUT_SECONDS, workers } from '../../handlers/routes';

// The bookkeeping against dynalite (a real DynamoDB API on 127.0.0.1): duplicated, reordered and
// concurrent S3 events leave usage equal to the files' real sizes; racing reservations never pass a quota.
describe('usage ledger (dynalite)', () => {
  let db: LocalDynamoDb;
  let store: { dynamodb: LocalDynamoDb['client']; table: string };
  let users = 0;
  const nextUser = () => `eu-west-1:00000000-0000-4000-8000-${String(++users).padStart(12, '0')}`;

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

  it('counts a created file once, however often and in whatever order its events arrive', async () => {
    const user = nextUser();
    const created = (size: number, seq: string): FileEvent => ({
      identityId: user,
      s3Key: `${user}/a.txt`,
      kind: 'created',
      size,
      sequencer: seq,
    });
    await applyFileEvent(store, created(10, '0A'));
    await applyFileEvent(store, created(10, '0A'));
    await applyFileEvent(store, created(30, '0C'));
    expect(await applyFileEvent(store, created(20, '0B'))).to.equal('stale');
    expect(await readUsage(store, user)).to.deep.equal({ bytes: 30, files: 1 });
    await applyFileEvent(store, { ...created(0, '0D'), kind: 'removed' });
    await applyFileEvent(store, { ...created(0, '0D'), kind: 'removed' });
    expect(await readUsage(store, user)).to.deep.equal({ bytes: 0, files: 0 });
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
    await applyFileEvent(store, { identityId: user, s3Key, kind: 'created', size: 60, sequencer: '01' });
    const item = await readUsageItem(store, user);
    expect(item?.charged?.N).to.equal('60');
    expect(item?.r_r1).to.equal(undefined);
    expect(await release(store, user, 'r1')).to.equal(false);
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

  it('property: any concurrent mix of creates, overwrites and deletes, delivered late, twice and out of order, ends at the real sizes', async function () {
    // Many DynamoDB round trips per run: minutes on a loaded machine, seconds on a quiet one.
    this.timeout(180_000);
    const operation = fc.record({
      file: fc.integer({ min: 0, max: 3 }),
      size: fc.option(fc.integer({ min: 0, max: 1000 }), { nil: undefined }),
    });
    await fc.assert(
      fc.asyncProperty(
        fc.array(operation, { minLength: 1, maxLength: 12 }),
        fc.array(fc.nat(), { minLength: 24, maxLength: 24 }),
        async (ops, order) => {
          const user = nextUser();
          // The truth S3 ends with: the last operation per key wins (sequencers follow the operations).
          const real = new Map<number, number>();
          const events: FileEvent[] = ops.map((op, i) => {
            const sequencer = (0x1000 + i).toString(16);
            const s3Key = `${user}/file${op.file}`;
            if (op.size === undefined) {
              real.delete(op.file);
              return { identityId: user, s3Key, kind: 'removed', size: 0, sequencer };
            }
            real.set(op.file, op.size);
            return { identityId: user, s3Key, kind: 'created', size: op.size, sequencer };
          });
          const delivered = [...events, ...events.filter((_, i) => i % 2 === 0)];
          const shuffled = delivered
            .map((event, i) => ({ event, rank: order[i] ?? i }))
            .sort((a, b) => a.rank - b.rank)
            .map(({ event }) => event);
          await Promise.all(shuffled.map((event) => applyFileEvent(store, event)));
          const expected = { bytes: [...real.values()].reduce((a, b) => a + b, 0), files: real.size };
          expect(await readUsage(store, user)).to.deep.equal(expected);
        },
      ),
      { numRuns: 20 },
    );
  });
});
