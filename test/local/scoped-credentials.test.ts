import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CopyObjectCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  ListObjectVersionsCommand,
  PutObjectCommand,
} from '@aws-sdk/client-s3';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { expect } from 'chai';
import { type ScopedS3, startScopedS3 } from '../../devtools/scoped-s3';
import { getFile } from '../../handlers/get-file';
import { copySource } from '../../handlers/lib/files/copy';
import type { ObjectKey } from '../../handlers/lib/files/keys';
import { presignDownload } from '../../handlers/lib/files/presign-get';
import { storeFile } from '../../handlers/lib/files/store';
import { bodyBytes } from '../../handlers/lib/http/body';
import { httpHandler } from '../../handlers/lib/http/handler';
import { keyParam } from '../../handlers/lib/http/query';
import { restoreVersions } from '../../handlers/lib/versions/restore';
import type { CallerDeps } from '../../handlers/lib/wiring/deps';
import { listDeletedFiles } from '../../handlers/list-deleted-files';
import { listFileVersions } from '../../handlers/list-file-versions';
import { putFile } from '../../handlers/put-file';
import { restoreFiles } from '../../handlers/restore-files';
import { callRoute } from '../support/call';
import { apiEvent, context, IDENTITY_POOL_ID, identityId, ORIGIN } from '../support/events';
import { logTo } from '../support/log-lines';
import { s3Code } from '../support/s3-code';

describe('folder-scoped credentials (local STS + the signature-checking local S3)', () => {
  let system: ScopedS3;
  let dataDir: string;
  let deps: CallerDeps;
  const logs: string[] = [];
  const alice = identityId();
  const bob = identityId();
  const bobsSecret = `${bob}/secret.txt`;

  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'lockbox-scoped-'));
    system = await startScopedS3(dataDir);
    deps = system.callerDeps({
      allowedOrigins: [ORIGIN],
      identityPoolId: IDENTITY_POOL_ID,
      log: logTo(logs),
    });
    await system.functionClient.send(
      new PutObjectCommand({ Bucket: system.bucket, Key: bobsSecret, Body: 'bob only' }),
    );
  });
  after(async () => {
    await system.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  const read = async (key: string) => {
    const object = await system.functionClient.send(
      new GetObjectCommand({ Bucket: system.bucket, Key: key }),
    );
    return object.Body?.transformToString();
  };

  it("serves the caller's own folder through the real handlers, and signs URLs that work", async () => {
    const put = await callRoute('PUT /file', putFile(deps), alice, {
      query: { key: 'notes/a.txt' },
      body: Buffer.from('hello'),
      headers: { 'content-type': 'text/plain' },
    });
    expect(put.status).to.equal(201);
    const got = await callRoute('GET /file', getFile(deps), alice, { query: { key: 'notes/a.txt' } });
    expect(got.status).to.equal(200);
    expect(got.body.url).to.include('X-Amz-Security-Token');
    const download = await fetch(got.body.url);
    expect(download.status).to.equal(200);
    expect(await download.text()).to.equal('hello');
  });

  it('refuses a handler with a bug (a key outside the folder): S3 itself says AccessDenied', async () => {
    // PUT /file as it would be with keys.ts bypassed: the key names the victim's folder.
    const buggyPutFile = httpHandler('PUT /file', deps.http, async ({ event, identityId: caller }) => {
      const key = `${bob}/${keyParam(event)}` as ObjectKey;
      const stored = await storeFile(
        deps.s3ForCaller(caller),
        deps.bucket,
        key,
        bodyBytes(event),
        'text/plain',
        {
          maxBytes: 1024,
        },
      );
      return { status: 201, body: stored };
    });
    const res = await buggyPutFile(
      apiEvent({ identityId: alice, method: 'PUT', path: '/file', query: { key: 'secret.txt' }, body: 'x' }),
      context,
    );
    expect(res.statusCode).to.equal(500);
    expect(logs.at(-1)).to.include('AccessDenied');
    expect(await read(bobsSecret)).to.equal('bob only');
  });

  it("refuses every kind of access to another folder, and lists only the caller's", async () => {
    const s3 = deps.s3ForCaller(alice);
    const Bucket = system.bucket;
    expect(await s3Code(s3.send(new GetObjectCommand({ Bucket, Key: bobsSecret })))).to.equal(
      '403 AccessDenied',
    );
    expect(await s3Code(s3.send(new PutObjectCommand({ Bucket, Key: bobsSecret, Body: 'x' })))).to.equal(
      '403 AccessDenied',
    );
    expect(await s3Code(s3.send(new ListObjectsV2Command({ Bucket, Prefix: `${bob}/` })))).to.equal(
      '403 AccessDenied',
    );
    expect(await s3Code(s3.send(new ListObjectsV2Command({ Bucket })))).to.equal('403 AccessDenied');
    // A prefix that starts like the caller's id but is not its folder.
    expect(await s3Code(s3.send(new ListObjectsV2Command({ Bucket, Prefix: alice })))).to.equal(
      '403 AccessDenied',
    );
    const own = await s3.send(new ListObjectsV2Command({ Bucket, Prefix: `${alice}/` }));
    expect(own.Contents?.map((o) => o.Key)).to.deep.equal([`${alice}/notes/a.txt`]);

    const deleted = await s3.send(
      new DeleteObjectsCommand({
        Bucket,
        Delete: { Objects: [{ Key: bobsSecret }, { Key: `${alice}/gone` }] },
      }),
    );
    expect(deleted.Errors?.map((e) => [e.Key, e.Code])).to.deep.equal([[bobsSecret, 'AccessDenied']]);
    expect(await read(bobsSecret)).to.equal('bob only');

    const url = await presignDownload(s3, Bucket, bobsSecret as ObjectKey, 'secret.txt');
    expect((await fetch(url.url)).status).to.equal(403);
  });

  it("serves the undo routes on the caller's own versions, and refuses any version outside the folder", async () => {
    const Bucket = system.bucket;
    const own = `${alice}/undo.txt`;
    const first = await system.functionClient.send(new PutObjectCommand({ Bucket, Key: own, Body: 'v1' }));
    await system.functionClient.send(new PutObjectCommand({ Bucket, Key: own, Body: 'v2' }));
    await system.functionClient.send(new DeleteObjectCommand({ Bucket, Key: own }));
    const bobsOld = await system.functionClient.send(
      new PutObjectCommand({ Bucket, Key: bobsSecret, Body: 'bob old' }),
    );
    await system.functionClient.send(new PutObjectCommand({ Bucket, Key: bobsSecret, Body: 'bob only' }));

    const deleted = await callRoute('GET /files/deleted', listDeletedFiles(deps), alice, { query: {} });
    expect(deleted.status).to.equal(200);
    expect(deleted.body.items.map((item: { key: string }) => item.key)).to.include('undo.txt');
    const versions = await callRoute('GET /file/versions', listFileVersions(deps), alice, {
      query: { key: 'undo.txt' },
    });
    expect(versions.status).to.equal(200);
    expect(versions.body.items).to.have.length(2);
    const restored = await callRoute('POST /files/restore', restoreFiles(deps), alice, {
      body: { items: [{ key: 'undo.txt', versionId: first.VersionId }] },
    });
    expect(restored.body.items[0]).to.include({ status: 'restored', size: 2 });
    expect(await read(own)).to.equal('v1');

    const s3 = deps.s3ForCaller(alice);
    for (const Prefix of [`${bob}/`, undefined]) {
      expect(await s3Code(s3.send(new ListObjectVersionsCommand({ Bucket, Prefix })))).to.equal(
        '403 AccessDenied',
      );
    }
    expect(
      await s3Code(s3.send(new GetObjectCommand({ Bucket, Key: bobsSecret, VersionId: bobsOld.VersionId }))),
    ).to.equal('403 AccessDenied');
    // A copy into the caller's folder from another folder's version: S3 authorizes the source as well.
    const CopySource = copySource(Bucket, bobsSecret as ObjectKey, bobsOld.VersionId as string);
    expect(
      await s3Code(s3.send(new CopyObjectCommand({ Bucket, Key: `${alice}/stolen`, CopySource }))),
    ).to.equal('403 AccessDenied');
    const versionDelete = await s3.send(
      new DeleteObjectsCommand({
        Bucket,
        Delete: { Objects: [{ Key: bobsSecret, VersionId: bobsOld.VersionId }] },
      }),
    );
    expect(versionDelete.Errors?.map((e) => e.Code)).to.deep.equal(['AccessDenied']);
    // POST /files/restore with keys.ts bypassed (the victim's key): S3 refuses it, nothing is copied, and
    // the refusal fails the request (a 500), never reads as a missing version.
    const buggy = await restoreVersions(
      s3,
      Bucket,
      [{ key: 'secret.txt', objectKey: bobsSecret as ObjectKey, versionId: bobsOld.VersionId as string }],
      async () => async () => {},
      { maxBytes: 1024, startBy: Date.now() + 60_000 },
    ).catch((error: Error) => error);
    expect((buggy as Error).name).to.equal('AccessDenied');
    expect(await read(bobsSecret)).to.equal('bob only');
  });

  it('assumes the role once per identity while the session is fresh', async () => {
    const before = system.assumeRoleCalls();
    const carol = identityId();
    for (let i = 0; i < 3; i++) {
      const res = await callRoute('GET /file', getFile(deps), carol, { query: { key: 'none.txt' } });
      expect(res.status).to.equal(404);
    }
    expect(system.assumeRoleCalls() - before).to.equal(1);
  });

  it("lets only the functions' role assume only the caller role", async () => {
    const stranger = new STSClient({
      endpoint: system.stsEndpoint,
      region: system.region,
      credentials: { accessKeyId: 'AKIASTRANGER', secretAccessKey: 'nope' },
    });
    const assume = (client: STSClient, RoleArn: string) =>
      client
        .send(new AssumeRoleCommand({ RoleArn, RoleSessionName: 'x1' }))
        .then(() => 'ok')
        .catch((error: Error) => error.name);
    expect(await assume(stranger, 'arn:aws:iam::000000000000:role/lockbox-local-caller')).to.equal(
      'UnrecognizedClient',
    );
    stranger.destroy();
  });
});
