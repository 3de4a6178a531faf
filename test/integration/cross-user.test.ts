import { expect } from 'chai';
import { MAX_PUT_FILE_BYTES } from '../../contract/settings';
import { BUCKET, type S3Server, startS3Server } from '../../devtools/local-s3';
import { copyFiles } from '../../handlers/copy-files';
import { deleteFile } from '../../handlers/delete-file';
import { deleteFiles } from '../../handlers/delete-files';
import { getFile } from '../../handlers/get-file';
import { getUsage } from '../../handlers/get-usage';
import { listDeletedFiles } from '../../handlers/list-deleted-files';
import { listFileVersions } from '../../handlers/list-file-versions';
import { listFiles } from '../../handlers/list-files';
import { moveFiles } from '../../handlers/move-files';
import { putFile } from '../../handlers/put-file';
import { restoreFiles } from '../../handlers/restore-files';
import { callRoute } from '../support/call';
import { testDeps } from '../support/deps';
import { identityId } from '../support/events';
import { getObject, keysUnder, putObject } from '../support/objects';

// local/s3: it verifies presigned URLs, so a URL that B edits to point at A's file is really refused.
describe("cross-user: B cannot read, list, overwrite or delete A's files", () => {
  let s3: S3Server;
  const alice = identityId();
  const bob = identityId();
  const aliceObjects: Record<string, string> = {
    [`${alice}/secret.txt`]: 'alice secret 1',
    [`${alice}/docs/plan.txt`]: 'alice secret 2',
    [`zip/${alice}/job.zip`]: 'alice secret 3',
  };
  const breaches: string[] = [];

  /** Every way to spell "A's file" from inside B's folder, for a path below A's folder. */
  const tricks = (path: string): string[] => [
    `${alice}/${path}`,
    `/${alice}/${path}`,
    `../${alice}/${path}`,
    `./../${alice}/${path}`,
    `a/../../${alice}/${path}`,
    `%2e%2e/${alice}/${path}`,
    `%2E%2E%2F${alice}%2F${path}`,
    `..%2f${alice}/${path}`,
    `\uff0e\uff0e/${alice}/${path}`,
    `\uff0e\uff0e\uff0f${alice}\uff0f${path}`,
    `..\\${alice}\\${path}`,
    `..\u0000/${alice}/${path}`,
    `.\u200b./${alice}/${path}`,
    `zip/${alice}/${path}`,
    `zip/../${alice}/${path}`,
    `../zip/${alice}/${path}`,
  ];
  const fileTricks = [...tricks('secret.txt'), ...tricks('docs/plan.txt'), ...tricks('job.zip').slice(0, 3)];
  const folderTricks = [...tricks(''), ...tricks('docs/'), '../', '..', '%2e%2e/', '\uff0e\uff0e/'];

  /** A response that carries any of A's bytes, or a URL outside B's own folder, is a breach. */
  function checkNoLeak(label: string, body: unknown): void {
    const text = typeof body === 'string' ? body : (JSON.stringify(body) ?? '');
    for (const secret of Object.values(aliceObjects))
      if (text.includes(secret)) breaches.push(`${label}: bytes`);
    const url = /"url":"([^"]+)"/.exec(text)?.[1];
    if (url && !decodeURIComponent(new URL(url).pathname).startsWith(`/${s3.bucket}/${bob}/`)) {
      breaches.push(`${label}: URL outside B's folder`);
    }
  }

  before(async () => {
    s3 = await startS3Server();
    for (const [key, body] of Object.entries(aliceObjects)) await putObject(s3, key, body);
    await putObject(s3, `${bob}/mine.txt`, 'bob');
  });
  after(() => s3.stop());

  it('GET /file: no trick yields metadata or a URL for A’s file', async () => {
    for (const key of fileTricks) {
      const res = await callRoute('GET /file', getFile(testDeps(s3)), bob, { query: { key } });
      if (res.status === 200) breaches.push(`GET /file ${JSON.stringify(key)}: 200`);
      checkNoLeak(`GET /file ${JSON.stringify(key)}`, res.body);
      expect(res.status, JSON.stringify(key)).to.be.oneOf([400, 404]);
    }
    expect(breaches).to.deep.equal([]);
  });

  it('GET /files: no prefix trick lists A’s folder', async () => {
    for (const prefix of folderTricks) {
      const res = await callRoute('GET /files', listFiles(testDeps(s3)), bob, { query: { prefix } });
      checkNoLeak(`GET /files ${JSON.stringify(prefix)}`, res.body);
      if (res.status === 200) {
        const body = res.body;
        expect(body.files, JSON.stringify(prefix)).to.deep.equal([]);
        expect(body.folders, JSON.stringify(prefix)).to.deep.equal([]);
      }
    }
    expect(breaches).to.deep.equal([]);
  });

  it('a presigned URL that B edits to name A’s file is refused by S3', async () => {
    const own = await callRoute('GET /file', getFile(testDeps(s3)), bob, { query: { key: 'mine.txt' } });
    const { url } = own.body;
    expect(await (await fetch(url)).text()).to.equal('bob');
    const edited = url.replace(
      `/${encodeURIComponent(bob)}/mine.txt`,
      `/${encodeURIComponent(alice)}/secret.txt`,
    );
    expect(edited).not.to.equal(url);
    const res = await fetch(edited);
    expect(res.status).to.equal(403);
    checkNoLeak('edited URL', await res.text());
    expect(breaches).to.deep.equal([]);
  });

  it('PUT /file, DELETE /file and POST /files/delete: no trick changes or removes A’s files', async () => {
    const put = putFile(testDeps(s3), { maxBytes: MAX_PUT_FILE_BYTES });
    for (const key of fileTricks) {
      const res = await callRoute('PUT /file', put, bob, {
        query: { key },
        body: Buffer.from('overwritten by bob'),
      });
      checkNoLeak(`PUT /file ${JSON.stringify(key)}`, res.body);
      const del = await callRoute('DELETE /file', deleteFile(testDeps(s3)), bob, { query: { key } });
      checkNoLeak(`DELETE /file ${JSON.stringify(key)}`, del.body);
    }
    const bulk = await callRoute('POST /files/delete', deleteFiles(testDeps(s3)), bob, {
      body: { keys: [...fileTricks, ...folderTricks] },
    });
    expect(bulk.status).to.equal(200);
    checkNoLeak('POST /files/delete', bulk.body);

    for (const [key, body] of Object.entries(aliceObjects)) {
      const stored = await getObject(s3, key);
      if (stored.bytes.toString() !== body) breaches.push(`${key} changed`);
    }
    expect(await keysUnder(s3, `${alice}/`)).to.deep.equal(
      Object.keys(aliceObjects)
        .filter((key) => key.startsWith(`${alice}/`))
        .sort(),
    );
    expect(await keysUnder(s3, `zip/${alice}/`)).to.deep.equal([`zip/${alice}/job.zip`]);
    expect(breaches).to.deep.equal([]);
  });

  it("GET /usage: no parameter names another user's usage (usage per user under events: quotas.test.ts)", async () => {
    const usage = getUsage(testDeps(s3));
    const tricks: Record<string, string>[] = [
      { identityId: alice },
      { user: alice },
      { prefix: `${alice}/` },
    ];
    for (const query of tricks) {
      const res = await callRoute('GET /usage', usage, bob, { query });
      expect(res.status).to.equal(400);
      checkNoLeak(`GET /usage ${JSON.stringify(query)}`, res.body);
    }
    const own = await callRoute('GET /usage', usage, bob);
    expect(own.status).to.equal(200);
    checkNoLeak('GET /usage', own.body);
  });
});

// local/s3 with versioning on: A's deleted and overwritten files stay out of B's reach.
describe("cross-user undo: B cannot list, see the versions of, or restore A's files", () => {
  let s3: S3Server;
  const alice = identityId();
  const bob = identityId();
  const aliceVersions: string[] = [];

  before(async () => {
    s3 = await startS3Server({ versionedBuckets: [BUCKET] });
    for (const body of ['alice v1', 'alice v2']) await putObject(s3, `${alice}/docs/plan.txt`, body);
    await putObject(s3, `${alice}/gone.txt`, 'alice gone');
    await callRoute('DELETE /file', deleteFile(testDeps(s3)), alice, { query: { key: 'gone.txt' } });
    const listed = await callRoute('GET /file/versions', listFileVersions(testDeps(s3)), alice, {
      query: { key: 'docs/plan.txt' },
    });
    aliceVersions.push(...listed.body.items.map((v: { versionId: string }) => v.versionId));
    const deleted = await callRoute('GET /files/deleted', listDeletedFiles(testDeps(s3)), alice);
    aliceVersions.push(...deleted.body.items.map((v: { versionId: string }) => v.versionId));
    expect(aliceVersions).to.have.length(3);
    // B has files of the same names, so that A's version ids meet real keys in B's folder.
    await putObject(s3, `${bob}/docs/plan.txt`, 'bob');
    await putObject(s3, `${bob}/gone.txt`, 'bob');
  });
  after(() => s3.stop());

  it("lists none of A's deleted files or versions, whatever the prefix or key", async () => {
    for (const prefix of ['', `${alice}/`, `../${alice}/`, `zip/../${alice}/`, '../']) {
      const res = await callRoute('GET /files/deleted', listDeletedFiles(testDeps(s3)), bob, {
        query: { prefix },
      });
      expect(res.status === 400 || res.body.items.length === 0, JSON.stringify(prefix)).to.equal(true);
      expect(JSON.stringify(res.body)).not.to.include(alice);
    }
    for (const key of [`${alice}/docs/plan.txt`, `../${alice}/docs/plan.txt`, 'docs/plan.txt']) {
      const res = await callRoute('GET /file/versions', listFileVersions(testDeps(s3)), bob, {
        query: { key },
      });
      const ids = res.status === 200 ? res.body.items.map((v: { versionId: string }) => v.versionId) : [];
      expect(
        ids.filter((id: string) => aliceVersions.includes(id)),
        key,
      ).to.deep.equal([]);
    }
  });

  it("restores none of A's versions, under B's key names or A's", async () => {
    const items = aliceVersions.flatMap((versionId) =>
      ['docs/plan.txt', 'gone.txt', `${alice}/gone.txt`].map((key) => ({ key, versionId })),
    );
    const res = await callRoute('POST /files/restore', restoreFiles(testDeps(s3)), bob, { body: { items } });
    expect(res.status).to.equal(200);
    expect(new Set(res.body.items.map((r: { status: string }) => r.status))).to.deep.equal(
      new Set(['notFound']),
    );
    for (const trick of [`../${alice}/gone.txt`, `%2e%2e/${alice}/gone.txt`]) {
      const refused = await callRoute('POST /files/restore', restoreFiles(testDeps(s3)), bob, {
        body: { items: [{ key: trick, versionId: aliceVersions[2] }] },
      });
      expect(refused.status, trick).to.equal(400);
    }
    expect((await getObject(s3, `${bob}/docs/plan.txt`)).bytes.toString()).to.equal('bob');
    expect(await keysUnder(s3, `${alice}/`)).to.deep.equal([`${alice}/docs/plan.txt`]);
  });

  it("deletes none of A's versions with DELETE /file?versionId=, under B's key names or A's", async () => {
    for (const versionId of aliceVersions) {
      for (const key of ['docs/plan.txt', 'gone.txt', `${alice}/gone.txt`, `../${alice}/gone.txt`]) {
        const res = await callRoute('DELETE /file', deleteFile(testDeps(s3)), bob, {
          query: { key, versionId },
        });
        expect([400, 404], `${key} ${res.status}`).to.include(res.status);
        expect(JSON.stringify(res.body), key).not.to.include(alice);
      }
    }
    const again = await callRoute('GET /file/versions', listFileVersions(testDeps(s3)), alice, {
      query: { key: 'docs/plan.txt' },
    });
    expect(again.body.items).to.have.length(2);
    const deleted = await callRoute('GET /files/deleted', listDeletedFiles(testDeps(s3)), alice);
    expect(deleted.body.items).to.have.length(1);
  });
});

// local/s3: B's copies and moves, whatever keys they name, neither read nor change A's files.
describe("cross-user transfers: B cannot copy, move or overwrite A's files", () => {
  let s3: S3Server;
  const alice = identityId();
  const bob = identityId();
  const aliceFiles = { [`${alice}/secret.txt`]: 'alice secret', [`${alice}/docs/plan.txt`]: 'alice plan' };

  before(async () => {
    s3 = await startS3Server({ versionedBuckets: [BUCKET] });
    for (const [key, body] of Object.entries(aliceFiles)) await putObject(s3, key, body);
    await putObject(s3, `${bob}/mine.txt`, 'bob');
    await putObject(s3, `${bob}/folder/mine.txt`, 'bob');
  });
  after(() => s3.stop());

  const tricks = (path: string) => [
    `${alice}/${path}`,
    `../${alice}/${path}`,
    `%2e%2e/${alice}/${path}`,
    `\uff0e\uff0e/${alice}/${path}`,
    `..\\${alice}\\${path}`,
    `zip/../${alice}/${path}`,
  ];

  it("copies and moves none of A's files into B's folder, and writes none over A's", async () => {
    const routes = {
      'POST /files/copy': copyFiles(testDeps(s3)),
      'POST /files/move': moveFiles(testDeps(s3)),
    };
    const bodies = [
      ...tricks('secret.txt').flatMap((from) => [
        { from, to: 'stolen.txt' },
        { from: 'mine.txt', to: from, overwrite: true },
      ]),
      ...tricks('docs/').flatMap((from) => [
        { from, to: 'stolen/' },
        { from: 'folder/', to: from, overwrite: true },
      ]),
    ];
    for (const [route, handler] of Object.entries(routes)) {
      for (const body of bodies) {
        const res = await callRoute(route, handler, bob, { body });
        // A key that spells A's folder literally ("eu-west-1:…/secret.txt") is a key of B's own folder:
        // missing there as a source (404), and written there as a destination (200).
        expect(res.status, `${route} ${JSON.stringify(body)}`).to.be.oneOf([200, 400, 404]);
      }
    }
    for (const [key, body] of Object.entries(aliceFiles))
      expect((await getObject(s3, key)).bytes.toString()).to.equal(body);
    const everyKey = await keysUnder(s3, '');
    expect(everyKey.filter((key) => !key.startsWith(`${bob}/`))).to.deep.equal(
      Object.keys(aliceFiles).sort(),
    );
    for (const key of everyKey.filter((key) => key.startsWith(`${bob}/`)))
      expect((await getObject(s3, key)).bytes.toString(), key).to.equal('bob');
  });
});
