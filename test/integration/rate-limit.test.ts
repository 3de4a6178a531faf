import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { expect } from 'chai';
import { deleteFiles } from '../../handlers/delete-files';
import type { IdentityId } from '../../handlers/lib/files/keys';
import { RateLimitedError, type RateLimiter, rateLimiter } from '../../handlers/lib/rate-limit/limiter';
import { type LocalDynamoDb, startDynamoDb } from '../../local/dynamodb';
import { contractChecked } from '../support/contract-handler';
import { apiEvent, context, IDENTITY_POOL_ID, identityId, ORIGIN } from '../support/events';

// The per-caller token bucket on dynalite, with a clock the test moves.
describe('the per-caller rate limit (usage table on dynalite)', () => {
  let db: LocalDynamoDb;
  let clock: number;
  const now = () => clock;
  const store = () => ({ dynamodb: db.client, table: db.tableName });

  before(async () => {
    db = await startDynamoDb();
  });
  after(() => db?.stop());
  beforeEach(() => {
    clock = 1_800_000_000_000;
  });

  /** How many of `count` requests at the current time pass; the refused ones say when to retry. */
  async function passing(limit: RateLimiter, caller: IdentityId, count: number): Promise<number> {
    let passed = 0;
    for (let i = 0; i < count; i++) {
      try {
        await limit(caller);
        passed++;
      } catch (error) {
        expect(error).to.be.instanceOf(RateLimitedError);
        expect((error as RateLimitedError).status).to.equal(429);
        expect((error as RateLimitedError).code).to.equal('TooManyRequests');
      }
    }
    return passed;
  }

  it("lets a burst of a minute's requests through, then one per interval, and says how long to wait", async () => {
    const limit = rateLimiter(store(), 'POST /zips', 6, now); // a bucket of 6, one more every 10 s
    const alice = identityId();
    expect(await passing(limit, alice, 10)).to.equal(6);
    const refused = await limit(alice).catch((error: unknown) => error);
    expect(refused).to.be.instanceOf(RateLimitedError);
    expect((refused as RateLimitedError).retryAfterSeconds).to.equal(10);
    expect((refused as RateLimitedError).headers).to.deep.equal({ 'Retry-After': '10' });
    clock += 10_000;
    expect(await passing(limit, alice, 3)).to.equal(1);
    clock += 25_000;
    expect(await passing(limit, alice, 5)).to.equal(2);
  });

  it('refills no more than a full bucket, however long the caller was idle', async () => {
    const limit = rateLimiter(store(), 'POST /files/delete', 4, now);
    const bob = identityId();
    expect(await passing(limit, bob, 1)).to.equal(1);
    clock += 3_600_000;
    expect(await passing(limit, bob, 10)).to.equal(4);
  });

  it('keeps a bucket per caller and per route', async () => {
    const zips = rateLimiter(store(), 'POST /zips', 2, now);
    const uploads = rateLimiter(store(), 'POST /uploads', 2, now);
    const [carol, dave] = [identityId(), identityId()];
    expect(await passing(zips, carol, 5)).to.equal(2);
    expect(await passing(zips, dave, 5)).to.equal(2);
    expect(await passing(uploads, carol, 5)).to.equal(2);
  });

  it('writes one item per caller and route, which DynamoDB removes once the bucket is full again', async () => {
    const limit = rateLimiter(store(), 'POST /zips', 6, now);
    const erin = identityId();
    await limit(erin);
    await limit(erin);
    const { Item } = await db.client.send(
      new GetItemCommand({
        TableName: db.tableName,
        Key: { user: { S: erin }, item: { S: 'rate#POST /zips' } },
      }),
    );
    expect(Number(Item?.fullAt?.N)).to.equal(clock + 20_000);
    expect(Number(Item?.expiresAt?.N)).to.equal((clock + 60_000) / 1000);
  });

  it('answers a limited route with 429 TooManyRequests and Retry-After, readable cross-origin', async () => {
    const http = { allowedOrigins: [ORIGIN], identityPoolId: IDENTITY_POOL_ID, log: () => {} };
    // No S3 is reached: the limit comes before anything else, and the test's request is refused.
    const unreachable = () => {
      throw new Error('S3 reached');
    };
    const limit = rateLimiter(store(), 'POST /files/delete', 1, now);
    const frank = identityId();
    await limit(frank);
    const handler = contractChecked(
      'POST /files/delete',
      deleteFiles({ s3: {}, s3ForCaller: unreachable, bucket: 'b', http } as never, limit),
    );
    const res = await handler(
      apiEvent({
        method: 'POST',
        path: '/files/delete',
        identityId: frank,
        body: { keys: ['a.txt'] },
        headers: { origin: ORIGIN },
      }),
      context,
    );
    expect(res.statusCode).to.equal(429);
    expect(JSON.parse(res.body).error.code).to.equal('TooManyRequests');
    expect(res.headers?.['Retry-After']).to.equal('60');
    expect(String(res.headers?.['Access-Control-Expose-Headers'])).to.include('Retry-After');
  });
});
