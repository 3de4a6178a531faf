import { HeadObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { expect } from 'chai';
import sinon from 'sinon';
import { type S3Server, startS3Server } from '../../devtools/local-s3';
import { zipFolder } from '../../handlers/lib/files/keys';
import { zipArchiveKey, zipRequestKey, zipStatusKey } from '../../handlers/lib/zip-jobs/keys';
import { MAX_ZIP_KEYS } from '../../handlers/lib/zip-jobs/limits';
import { identityId } from '../support/events';
import { keysUnder, objectExists, putObject } from '../support/objects';
import { getText, zipApi } from '../support/zip-jobs';

// local/s3: its listing pages like S3's (the folder test needs more than one page of 1,000 keys).
describe('POST /zips on a real S3 server', () => {
  let s3: S3Server;
  let api: ReturnType<typeof zipApi>;
  const alice = identityId();

  before(async () => {
    s3 = await startS3Server();
    api = zipApi(s3, { maxFiles: 5, maxBytes: 100 });
    await putObject(s3, `${alice}/a.txt`, 'alpha');
    await putObject(s3, `${alice}/docs/b.txt`, 'bravo!');
    await putObject(s3, `${alice}/docs/sub/c.txt`, 'charlie');
    await putObject(s3, `${alice}/docs/sub/`, ''); // a folder marker, as some tools make
    await putObject(s3, `${alice}/big/one.bin`, Buffer.alloc(60));
    await putObject(s3, `${alice}/big/two.bin`, Buffer.alloc(41));
    for (let i = 0; i < 6; i++) await putObject(s3, `${alice}/many/${i}.txt`, 'x');
  });
  after(() => s3.stop());

  it('answers 202 with a job id, and records status and request, with folders expanded', async () => {
    const res = await api.create(alice, { keys: ['a.txt', 'docs/'], name: 'my files' });
    expect(res.status).to.equal(202);
    expect(res.body.status).to.equal('pending');
    const job = { identityId: alice, jobId: res.body.id };

    const request = JSON.parse(await getText(s3.client, s3.bucket, zipRequestKey(job)));
    expect(request.name).to.equal('my files.zip');
    expect(request.entries.map((e: { name: string; size: number }) => [e.name, e.size])).to.deep.equal([
      ['a.txt', 5],
      ['docs/b.txt', 6],
      ['docs/sub/c.txt', 7],
    ]);
    expect(request.entries.map((e: { s3Key: string }) => e.s3Key)).to.deep.equal([
      `${alice}/a.txt`,
      `${alice}/docs/b.txt`,
      `${alice}/docs/sub/c.txt`,
    ]);
    const status = JSON.parse(await getText(s3.client, s3.bucket, zipStatusKey(job)));
    expect(status).to.include({
      status: 'pending',
      fileCount: 3,
      totalBytes: 18,
      filesDone: 0,
      bytesDone: 0,
    });
    expect(await objectExists(s3, zipArchiveKey(job))).to.equal(false);
  });

  it('keeps a file once when it is named twice or also lies in a named folder', async () => {
    const res = await api.create(alice, { keys: ['docs/sub/c.txt', 'docs/', 'docs/sub/c.txt'] });
    expect(res.status).to.equal(202);
    const request = JSON.parse(
      await getText(s3.client, s3.bucket, zipRequestKey({ identityId: alice, jobId: res.body.id })),
    );
    expect(request.name).to.equal('files.zip');
    expect(request.entries.map((e: { name: string }) => e.name)).to.deep.equal(['c.txt', 'docs/b.txt']);
  });

  it('names a missing file in a 404, and writes no job', async () => {
    const jobsBefore = await keysUnder(s3, zipFolder(alice));
    const res = await api.create(alice, { keys: ['a.txt', 'nope/missing.txt'] });
    expect(res.status).to.equal(404);
    expect(res.body.error.code).to.equal('NotFound');
    expect(res.body.error.message).to.contain('"nope/missing.txt"');
    expect(await keysUnder(s3, zipFolder(alice))).to.deep.equal(jobsBefore);
  });

  it('refuses an empty or missing folder with a 404 naming it', async () => {
    const res = await api.create(alice, { keys: ['ghost/'] });
    expect(res.status).to.equal(404);
    expect(res.body.error.message).to.contain('"ghost/"');
  });

  it('refuses more files than the limit with TooManyFiles', async () => {
    const res = await api.create(alice, { keys: ['many/'] });
    expect(res.status).to.equal(400);
    expect(res.body.error.code).to.equal('TooManyFiles');
  });

  it('counts a file named twice once against the file limit', async () => {
    const keys = ['a.txt', 'a.txt', 'docs/b.txt', 'docs/b.txt', 'docs/sub/c.txt', 'docs/sub/c.txt'];
    expect((await api.create(alice, { keys })).status).to.equal(202);
  });

  it('refuses more bytes than the limit with PayloadTooLarge', async () => {
    const res = await api.create(alice, { keys: ['big/'] });
    expect(res.status).to.equal(413);
    expect(res.body.error.code).to.equal('PayloadTooLarge');
    expect(res.body.error.message).to.contain('100 bytes');
  });

  for (const [title, body, code] of [
    ['a key that climbs out of the folder', { keys: ['../a.txt'] }, 'InvalidKey'],
    ['a percent-encoded climb', { keys: ['%2e%2e/a.txt'] }, 'InvalidKey'],
    ['an absolute key', { keys: ['/a.txt'] }, 'InvalidKey'],
    ['the root folder', { keys: [''] }, 'InvalidKey'],
    ['a key that is not a string', { keys: [42] }, 'InvalidKey'],
    ['no keys', { keys: [] }, 'BadRequest'],
    ['keys that are not an array', { keys: 'a.txt' }, 'BadRequest'],
    ['too many keys', { keys: Array.from({ length: MAX_ZIP_KEYS + 1 }, (_, i) => `${i}.txt`) }, 'BadRequest'],
    ['an unknown field', { keys: ['a.txt'], owner: alice }, 'BadRequest'],
    ['a name that is not a string', { keys: ['a.txt'], name: 7 }, 'BadRequest'],
    ['a name with nothing in it', { keys: ['a.txt'], name: ' .. ' }, 'BadRequest'],
    ['a name over 255 bytes', { keys: ['a.txt'], name: 'é'.repeat(126) }, 'BadRequest'],
    ['malformed JSON', '{"keys": [', 'BadRequest'],
  ] as const) {
    it(`refuses ${title} with 400 ${code}`, async () => {
      const res = await api.create(alice, body);
      expect(res.status).to.equal(400);
      expect(res.body.error.code).to.equal(code);
    });
  }
});

describe('POST /zips with a folder of more than one listing page', () => {
  let s3: S3Server;
  const bob = identityId();
  const count = 1005;

  before(async () => {
    s3 = await startS3Server();
    const keys = Array.from({ length: count }, (_, i) => `${bob}/logs/${String(i).padStart(4, '0')}.log`);
    for (let i = 0; i < keys.length; i += 50) {
      await Promise.all(keys.slice(i, i + 50).map((key) => putObject(s3, key, 'l')));
    }
  });
  after(() => s3.stop());
  afterEach(() => sinon.restore());

  it('lists every page', async () => {
    const api = zipApi(s3, { maxFiles: 2000, maxBytes: 1_000_000 });
    const res = await api.create(bob, { keys: ['logs/'] });
    expect(res.status).to.equal(202);
    const request = JSON.parse(
      await getText(s3.client, s3.bucket, zipRequestKey({ identityId: bob, jobId: res.body.id })),
    );
    expect(request.entries).to.have.length(count);
    expect(request.entries.at(-1).name).to.equal('logs/1004.log');
  });

  it('lists a folder instead of a HeadObject per file when many of its files are selected', async () => {
    const api = zipApi(s3, { maxFiles: 2000, maxBytes: 1_000_000 });
    const keys = Array.from({ length: 300 }, (_, i) => `logs/${String(i * 3).padStart(4, '0')}.log`);
    const send = sinon.spy(s3.client, 'send');
    const res = await api.create(bob, { keys });
    expect(res.status).to.equal(202);
    const calls = send.getCalls().map((call) => call.args[0]);
    expect(calls.filter((command) => command instanceof HeadObjectCommand)).to.have.length(0);
    expect(calls.filter((command) => command instanceof ListObjectsV2Command)).to.have.length(1);
    const request = JSON.parse(
      await getText(s3.client, s3.bucket, zipRequestKey({ identityId: bob, jobId: res.body.id })),
    );
    expect(request.entries.map((e: { name: string }) => e.name)).to.deep.equal(keys.map((k) => k.slice(5)));
    expect(request.entries.every((e: { size: number }) => e.size === 1)).to.equal(true);
  });

  it('still finds a missing file among many selected, and names it', async () => {
    const api = zipApi(s3, { maxFiles: 2000, maxBytes: 1_000_000 });
    const keys = Array.from({ length: 150 }, (_, i) => `logs/${String(i).padStart(4, '0')}.log`);
    const send = sinon.spy(s3.client, 'send');
    const res = await api.create(bob, { keys: [...keys, 'logs/0500.log', 'logs/gone.log'] });
    expect(res.status).to.equal(404);
    expect(res.body.error.message).to.contain('"logs/gone.log"');
    // The folder's listing showed every other file: only the one it did not show needed a HeadObject.
    const heads = send.getCalls().filter((call) => call.args[0] instanceof HeadObjectCommand);
    expect(heads.map((call) => (call.args[0] as HeadObjectCommand).input.Key)).to.deep.equal([
      `${bob}/logs/gone.log`,
    ]);
  });

  it('stops with TooManyFiles when the folder exceeds the limit', async () => {
    const api = zipApi(s3, { maxFiles: 1000, maxBytes: 1_000_000 });
    const res = await api.create(bob, { keys: ['logs/'] });
    expect(res.body.error.code).to.equal('TooManyFiles');
  });
});
