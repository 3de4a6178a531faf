import { DeleteObjectCommand, ListObjectVersionsCommand } from '@aws-sdk/client-s3';
import { expect } from 'chai';
import { BUCKET, type S3Server, startS3Server } from '../../devtools/local-s3';
import { deleteFile } from '../../handlers/delete-file';
import { deleteFiles } from '../../handlers/delete-files';
import { quotaFromEnv } from '../../handlers/lib/quotas/quota-deps';
import { listDeleted } from '../../handlers/lib/versions/deleted';
import { restoreVersions } from '../../handlers/lib/versions/restore';
import { listDeletedFiles } from '../../handlers/list-deleted-files';
import { listFileVersions } from '../../handlers/list-file-versions';
import { restoreFiles } from '../../handlers/restore-files';
import { callRoute } from '../support/call';
import { testDeps } from '../support/deps';
import { identityId } from '../support/events';
import { getObject, keysUnder, objectKey, putObject } from '../support/objects';

// local/s3 (signature-checking) with versioning on: deletes leave markers, overwrites keep versions.
describe('undo: GET /files/deleted, GET /file/versions, POST /files/restore', () => {
  let s3: S3Server;

  before(async () => {
    s3 = await startS3Server({ versionedBuckets: [BUCKET] });
  });
  after(() => s3.stop());

  const listDeleted = (user: string, query: Record<string, string> = {}) =>
    callRoute('GET /files/deleted', listDeletedFiles(testDeps(s3)), user, { query });
  const restore = (user: string, items: unknown) =>
    callRoute('POST /files/restore', restoreFiles(testDeps(s3)), user, { body: { items } });
  const versions = (user: string, key: string) =>
    callRoute('GET /file/versions', listFileVersions(testDeps(s3)), user, { query: { key } });
  const text = async (key: string) => (await getObject(s3, key)).bytes.toString();

  it('lists a deleted file with its size and the version to restore, and restores it', async () => {
    const user = identityId();
    await putObject(s3, `${user}/notes/a.txt`, 'first');
    await putObject(s3, `${user}/notes/a.txt`, 'second!');
    await putObject(s3, `${user}/notes/keep.txt`, 'kept');
    const deleted = await callRoute('DELETE /file', deleteFile(testDeps(s3)), user, {
      query: { key: 'notes/a.txt' },
    });
    expect(deleted.status).to.equal(204);
    expect(await keysUnder(s3, `${user}/`)).to.deep.equal([`${user}/notes/keep.txt`]);

    const listed = await listDeleted(user);
    expect(listed.status).to.equal(200);
    expect(listed.body.nextCursor).to.equal(undefined);
    expect(listed.body.items).to.have.length(1);
    const [item] = listed.body.items;
    expect(item).to.include({ key: 'notes/a.txt', size: 7 });
    expect(Date.parse(item.deletedAt)).to.be.a('number').and.not.NaN;

    const restored = await restore(user, [{ key: item.key, versionId: item.versionId }]);
    expect(restored.body.items).to.deep.equal([
      { key: 'notes/a.txt', versionId: item.versionId, status: 'restored', size: 7 },
    ]);
    expect(await text(`${user}/notes/a.txt`)).to.equal('second!');
    expect((await listDeleted(user)).body.items).to.deep.equal([]);
  });

  it('restores a deleted folder page by page, and binds the cursor to its prefix', async () => {
    const user = identityId();
    const names = ['photos/1.jpg', 'photos/2024/2.jpg', 'photos/2024/deep/3.jpg', 'photos/ü &+%.jpg'];
    for (const name of names) await putObject(s3, `${user}/${name}`, `bytes of ${name}`);
    await putObject(s3, `${user}/other/x.txt`, 'x');
    await callRoute('DELETE /file', deleteFile(testDeps(s3)), user, { query: { key: 'other/x.txt' } });
    const res = await callRoute('POST /files/delete', deleteFiles(testDeps(s3)), user, {
      body: { keys: ['photos/'] },
    });
    expect(res.body.deleted).to.deep.equal(['photos/']);

    const items: { key: string; versionId: string }[] = [];
    let cursor: string | undefined;
    do {
      const page = await listDeleted(user, { prefix: 'photos/', limit: '3', ...(cursor ? { cursor } : {}) });
      expect(page.status).to.equal(200);
      items.push(...page.body.items);
      cursor = page.body.nextCursor;
      if (cursor) {
        const elsewhere = await listDeleted(user, { prefix: 'other/', cursor });
        expect(elsewhere.status).to.equal(400);
      }
    } while (cursor);
    expect(items.map((item) => item.key).sort()).to.deep.equal([...names].sort());

    const restored = await restore(
      user,
      items.map(({ key, versionId }) => ({ key, versionId })),
    );
    expect(restored.body.items.map((r: { status: string }) => r.status)).to.deep.equal(
      names.map(() => 'restored'),
    );
    for (const name of names) expect(await text(`${user}/${name}`)).to.equal(`bytes of ${name}`);
    // The other folder's deleted file is still listed there, and only there.
    expect((await listDeleted(user)).body.items.map((i: { key: string }) => i.key)).to.deep.equal([
      'other/x.txt',
    ]);
  });

  it("restores an overwritten file's previous version found with GET /file/versions", async () => {
    const user = identityId();
    await putObject(s3, `${user}/doc.txt`, 'version one');
    await putObject(s3, `${user}/doc.txt`, 'version two');
    await putObject(s3, `${user}/doc.txt.bak`, 'another file');
    const listed = await versions(user, 'doc.txt');
    expect(listed.status).to.equal(200);
    expect(
      listed.body.items.map((v: { size: number; isLatest: boolean }) => [v.size, v.isLatest]),
    ).to.deep.equal([
      [11, true],
      [11, false],
    ]);
    const previous = listed.body.items[1].versionId;
    const restored = await restore(user, [{ key: 'doc.txt', versionId: previous }]);
    expect(restored.body.items[0].status).to.equal('restored');
    expect(await text(`${user}/doc.txt`)).to.equal('version one');
    // Restoring adds a version: nothing is lost, the overwritten content stays restorable too.
    expect((await versions(user, 'doc.txt')).body.items).to.have.length(3);
    expect((await versions(user, 'missing.txt')).body.items).to.deep.equal([]);
  });

  it('reports unknown versions and delete markers as notFound, item by item', async () => {
    const user = identityId();
    await putObject(s3, `${user}/a.txt`, 'a');
    const [version] = (await versions(user, 'a.txt')).body.items;
    const res = await restore(user, [
      { key: 'a.txt', versionId: 'A'.repeat(32) },
      { key: 'b.txt', versionId: version.versionId },
      { key: 'a.txt', versionId: 'null' },
      { key: 'a.txt', versionId: version.versionId },
    ]);
    expect(res.body.items.map((r: { status: string }) => r.status)).to.deep.equal([
      'notFound',
      'notFound',
      'notFound',
      'restored',
    ]);
  });

  it('restores an empty file (a version with no first byte to read)', async () => {
    const user = identityId();
    await putObject(s3, `${user}/empty.txt`, '');
    await callRoute('DELETE /file', deleteFile(testDeps(s3)), user, { query: { key: 'empty.txt' } });
    const [item] = (await listDeleted(user)).body.items;
    expect(item).to.include({ key: 'empty.txt', size: 0 });
    const res = await restore(user, [{ key: item.key, versionId: item.versionId }]);
    expect(res.body.items[0]).to.include({ status: 'restored', size: 0 });
    expect(await keysUnder(s3, `${user}/`)).to.deep.equal([`${user}/empty.txt`]);
  });

  it('refuses malformed requests before any copy', async () => {
    const user = identityId();
    const bad: unknown[] = [
      [],
      'a.txt',
      [{ key: 'a.txt' }],
      [{ key: 'a.txt', versionId: '' }],
      [{ key: 'a.txt', versionId: 'has space' }],
      [{ key: 'a.txt', versionId: 'x'.repeat(1025) }],
      [{ key: '../a.txt', versionId: 'abc' }],
      [{ key: 'folder/', versionId: 'abc' }],
      [{ key: 'a.txt', versionId: 'abc', bucket: 'x' }],
      [null],
      Array.from({ length: 101 }, () => ({ key: 'a.txt', versionId: 'abc' })),
    ];
    for (const items of bad) {
      const res = await restore(user, items);
      expect(res.status, JSON.stringify(items).slice(0, 80)).to.equal(400);
    }
    const badQueries: Record<string, string>[] = [
      { prefix: 'no-slash' },
      { cursor: 'garbage!' },
      { limit: '0' },
      { other: 'x' },
    ];
    for (const query of badQueries) {
      expect((await listDeleted(user, query)).status, JSON.stringify(query)).to.equal(400);
    }
    expect((await versions(user, 'folder/')).status).to.equal(400);
  });

  /** A user whose big.txt (12 bytes) and small.txt (4) were deleted, and the versions to restore. */
  async function deletedBigAndSmall() {
    const user = identityId();
    await putObject(s3, `${user}/big.txt`, 'twelve bytes');
    await putObject(s3, `${user}/small.txt`, 'tiny');
    await callRoute('POST /files/delete', deleteFiles(testDeps(s3)), user, {
      body: { keys: ['big.txt', 'small.txt'] },
    });
    const deleted = (await listDeleted(user)).body.items as { key: string; versionId: string }[];
    return { user, deleted };
  }

  it('holds each restore in the quota: a version that does not fit is quotaExceeded and not copied', async () => {
    const { user, deleted } = await deletedBigAndSmall();
    const items = deleted.map(({ key, versionId }) => ({ key, versionId }));
    // The run's usage table (test/setup.ts), with a quota of 10 bytes for this user.
    const restoreWithin10 = restoreFiles(testDeps(s3), { ...quotaFromEnv(), quotaBytes: 10 });
    const res = await callRoute('POST /files/restore', restoreWithin10, user, { body: { items } });
    expect(res.status).to.equal(200);
    expect(
      res.body.items.map((item: { key: string; status: string }) => [item.key, item.status]),
    ).to.deep.equal([
      ['big.txt', 'quotaExceeded'],
      ['small.txt', 'restored'],
    ]);
    expect(await keysUnder(s3, `${user}/`)).to.deep.equal([`${user}/small.txt`]);
  });

  // The handler's limits are S3's 5 GiB and 15 s (restore-files.ts); smaller ones here, on real versions.
  it('refuses a version above the size limit as tooLarge, and starts no item after the start window', async () => {
    const { user, deleted } = await deletedBigAndSmall();
    const items = deleted.map(({ key, versionId }) => ({
      key,
      versionId,
      objectKey: objectKey(`${user}/${key}`),
    }));
    let held = 0;
    const hold = async () => {
      held++;
      return async () => {};
    };
    const sized = await restoreVersions(s3.client, s3.bucket, items, hold, {
      maxBytes: 10,
      startBy: Date.now() + 60_000,
    });
    expect(sized.map((item) => [item.key, item.status])).to.deep.equal([
      ['big.txt', 'tooLarge'],
      ['small.txt', 'restored'],
    ]);
    expect(held).to.equal(1);
    expect(await keysUnder(s3, `${user}/`)).to.deep.equal([`${user}/small.txt`]);

    const late = await restoreVersions(s3.client, s3.bucket, items, hold, {
      maxBytes: 100,
      startBy: Date.now() - 1,
    });
    expect(late.map((item) => item.status)).to.deep.equal(['failed', 'failed']);
    expect(await keysUnder(s3, `${user}/`)).to.deep.equal([`${user}/small.txt`]);
  });
});

describe('listDeleted across S3 listing pages', () => {
  let s3: S3Server;

  before(async () => {
    s3 = await startS3Server({ versionedBuckets: [BUCKET] });
  });
  after(() => s3.stop());

  const remove = (Key: string, VersionId?: string) =>
    s3.client.send(new DeleteObjectCommand({ Bucket: s3.bucket, Key, VersionId }));

  it('decides each key across listings of two versions, skips keys with nothing to restore', async () => {
    const user = identityId();
    const key = (name: string) => `${user}/${name}`;
    // a: five versions then deleted twice; b: current; c: deleted, its only version purged; d: deleted.
    for (let i = 1; i <= 5; i++) await putObject(s3, key('a'), `a${i}`.repeat(i));
    await remove(key('a'));
    await remove(key('a'));
    await putObject(s3, key('b'), 'b');
    await putObject(s3, key('c'), 'c');
    await remove(key('c'));
    const listing = await s3.client.send(
      new ListObjectVersionsCommand({ Bucket: s3.bucket, Prefix: key('c') }),
    );
    await remove(key('c'), listing.Versions?.[0]?.VersionId);
    await putObject(s3, key('d'), 'dd');
    await remove(key('d'));

    const pages: { items: { key: string; size: number }[]; nextCursor?: string }[] = [];
    let cursor: string | undefined;
    do {
      const page = await listDeleted(s3.client, s3.bucket, user, {
        prefix: '',
        cursor,
        limit: 1,
        versionsPerListing: 2,
      });
      pages.push(page);
      cursor = page.nextCursor;
    } while (cursor && pages.length < 20);
    const items = pages.flatMap((page) => page.items);
    expect(items.map((item) => [item.key, item.size])).to.deep.equal([
      ['a', 10],
      ['d', 2],
    ]);
  });

  it('moves past a key whose delete markers fill every listing', async () => {
    const user = identityId();
    await putObject(s3, `${user}/a`, 'a');
    for (let i = 0; i < 12; i++) await remove(`${user}/a`);
    await putObject(s3, `${user}/b`, 'b');
    await remove(`${user}/b`);
    const first = await listDeleted(s3.client, s3.bucket, user, {
      prefix: '',
      limit: 10,
      versionsPerListing: 2,
    });
    expect(first.items).to.deep.equal([]);
    expect(first.nextCursor).to.be.a('string');
    const second = await listDeleted(s3.client, s3.bucket, user, {
      prefix: '',
      cursor: first.nextCursor,
      limit: 10,
      versionsPerListing: 2,
    });
    expect(second.items.map((item) => item.key)).to.deep.equal(['b']);
    expect(second.nextCursor).to.equal(undefined);
  });
});
