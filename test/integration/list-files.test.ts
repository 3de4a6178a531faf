import { PutObjectCommand } from '@aws-sdk/client-s3';
import { expect } from 'chai';
import sinon from 'sinon';
import { type S3Server, startS3Server } from '../../devtools/local-s3';
import { encodeCursor } from '../../handlers/lib/files/cursor';
import { listFiles } from '../../handlers/list-files';
import { contractChecked } from '../support/contract-handler';
import { testDeps } from '../support/deps';
import { apiEvent, context, IDENTITY_POOL_ID, identityId } from '../support/events';

// local/s3: its listing pages, delimits and escapes like S3.
describe('GET /files on a real S3 server', () => {
  let s3: S3Server;
  let handler: ReturnType<typeof listFiles>;
  const alice = identityId();
  const bob = identityId();
  const many = identityId();
  const manyKeys = Array.from({ length: 25 }, (_, i) => `f${String(i).padStart(2, '0')} &+%?é.txt`);

  const list = async (caller: string | null | undefined, query: Record<string, string> = {}) => {
    const res = await handler(apiEvent({ identityId: caller, query }), context);
    return { status: res.statusCode, body: JSON.parse(res.body) };
  };

  before(async () => {
    s3 = await startS3Server();
    handler = contractChecked('GET /files', listFiles(testDeps(s3)));
    const keys = [
      `${alice}/a.txt`,
      `${alice}/photos/1.jpg`,
      `${bob}/secret.txt`,
      `${bob}/photos/bob-only.jpg`,
      ...manyKeys.map((key) => `${many}/${key}`),
    ];
    for (const key of keys) {
      await s3.client.send(new PutObjectCommand({ Bucket: s3.bucket, Key: key, Body: 'x' }));
    }
  });
  after(() => s3.stop());
  afterEach(() => sinon.restore());

  it("lists only the caller's own files and folders, for each of two users", async () => {
    const forAlice = await list(alice);
    expect(forAlice.status).to.equal(200);
    expect(forAlice.body.files.map((f: { key: string }) => f.key)).to.deep.equal(['a.txt']);
    expect(forAlice.body.folders).to.deep.equal(['photos/']);
    expect(forAlice.body.nextCursor).to.equal(null);

    const forBob = await list(bob);
    expect(forBob.body.files.map((f: { key: string }) => f.key)).to.deep.equal(['secret.txt']);
    expect(
      (await list(bob, { prefix: 'photos/' })).body.files.map((f: { key: string }) => f.key),
    ).to.deep.equal(['photos/bob-only.jpg']);
    expect(
      (await list(alice, { prefix: 'photos/' })).body.files.map((f: { key: string }) => f.key),
    ).to.deep.equal(['photos/1.jpg']);
  });

  it('walks every file exactly once through the cursor (25 files, 7 per page)', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page: { status: number; body: { files: { key: string }[]; nextCursor: string | null } } =
        await list(many, cursor ? { limit: '7', cursor } : { limit: '7' });
      expect(page.status).to.equal(200);
      expect(page.body.files.length).to.be.at.most(7);
      seen.push(...page.body.files.map((f) => f.key));
      cursor = page.body.nextCursor;
      pages += 1;
    } while (cursor !== null && pages < 10);
    expect(pages).to.equal(4);
    expect(seen).to.have.length(25);
    expect([...seen].sort()).to.deep.equal([...manyKeys].sort());
  });

  it('answers 400 "Invalid cursor." to a garbage, truncated or tampered cursor, or one from another prefix or user', async () => {
    const first = await list(many, { limit: '7' });
    const cursor: string = first.body.nextCursor;
    expect(cursor).to.be.a('string');
    const refused = {
      garbage: 'not a cursor',
      'not base64url JSON': Buffer.from('hello').toString('base64url'),
      truncated: cursor.slice(0, -5),
      'bare S3 token': JSON.parse(Buffer.from(cursor, 'base64url').toString()).t,
      'too long': 'A'.repeat(5000),
    };
    for (const [what, bad] of Object.entries(refused)) {
      const res = await list(many, { limit: '7', cursor: bad });
      expect(res.status, what).to.equal(400);
      expect(res.body.error, what).to.deep.equal({ code: 'BadRequest', message: 'Invalid cursor.' });
    }
    const otherPrefix = await list(many, { prefix: 'photos/', cursor });
    expect(otherPrefix.status).to.equal(400);
    expect(otherPrefix.body.error.message).to.equal('Invalid cursor.');
    const otherUser = await list(alice, { cursor });
    expect(otherUser.status).to.equal(400);
    expect(otherUser.body.error.message).to.equal('Invalid cursor.');
    // The cursor still works where it belongs, after all the refusals.
    expect((await list(many, { limit: '7', cursor })).body.files).to.have.length(7);
  });

  it("maps S3's InvalidArgument on a well-formed cursor's token to the same 400", async () => {
    // S3 (and local/s3) answers a continuation token it did not issue with 400 InvalidArgument.
    const res = await list(many, { cursor: encodeCursor(`${many}/`, 'a-token-s3-did-not-issue') });
    expect(res.status).to.equal(400);
    expect(res.body.error).to.deep.equal({ code: 'BadRequest', message: 'Invalid cursor.' });
  });

  it("refuses a prefix that leaves the caller's folder, or keeps it inside", async () => {
    for (const prefix of ['../', `../${bob}/`, '/', `/${bob}/`, '%2e%2e/', '\uff0e\uff0e/', 'a/../../']) {
      const res = await list(alice, { prefix });
      expect(res.status, prefix).to.equal(400);
      expect(res.body.error.code, prefix).to.equal('InvalidKey');
    }
    // Another user's id (or zip/) is just a folder name inside the caller's own folder: empty here.
    for (const prefix of [`${bob}/`, `zip/${bob}/`, `${bob}/photos/`]) {
      const res = await list(alice, { prefix });
      expect(res.status, prefix).to.equal(200);
      expect(res.body, prefix).to.deep.equal({ files: [], folders: [], nextCursor: null });
    }
  });

  it('answers 403 without any S3 call when the identity is missing, empty or malformed', async () => {
    const send = sinon.spy(s3.client, 'send');
    for (const caller of [null, '', 'not-an-id', 'eu-west-1:../x', `${alice}/`, alice.toUpperCase(), ' ']) {
      const res = await list(caller);
      expect(res.status, String(caller)).to.equal(403);
      expect(res.body.error.code).to.equal('Unauthorized');
    }
    expect(send.callCount).to.equal(0);
  });

  it('answers as docs/openapi.yaml says: a page, the last page, a bad request, no identity, a failure', async () => {
    const page = await handler(apiEvent({ identityId: alice, query: { limit: '1' } }), context);
    expect(JSON.parse(page.body).nextCursor).to.be.a('string');

    const lastPage = await handler(apiEvent({ identityId: alice, query: { prefix: 'photos/' } }), context);
    expect(JSON.parse(lastPage.body).files).to.have.length(1);

    const badRequest = await handler(apiEvent({ identityId: alice, query: { color: 'red' } }), context);
    expect(badRequest.statusCode).to.equal(400);

    const anonymous = await handler(apiEvent({ identityId: null }), context);
    expect(anonymous.statusCode).to.equal(403);

    // A server that is not there: the SDK's error becomes the contract's 500.
    const unreachable = s3.newClient({ endpoint: 'http://127.0.0.1:9', maxAttempts: 1 });
    const failing = contractChecked(
      'GET /files',
      listFiles({
        s3: unreachable,
        s3ForCaller: () => unreachable,
        bucket: s3.bucket,
        http: { allowedOrigins: [], identityPoolId: IDENTITY_POOL_ID, log: () => {} },
      }),
    );
    const failure = await failing(apiEvent({ identityId: alice }), context);
    unreachable.destroy();
    expect(failure.statusCode).to.equal(500);
  });
});
