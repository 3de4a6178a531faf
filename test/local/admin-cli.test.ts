import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { QueryCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import {
  ListMultipartUploadsCommand,
  ListObjectsV2Command,
  ListObjectVersionsCommand,
} from '@aws-sdk/client-s3';
import { expect } from 'chai';
import sinon from 'sinon';
import { identityCredentials, signIn } from '../../devtools/local-session';
import { type ApiFetch, signedFetch } from '../../devtools/signed-fetch';
import { DATA_ENTRIES } from '../../local/data-dir';
import { type LaunchedSystem, launchLocalSystem } from '../../local/launch';
import { runAdmin } from '../../scripts/admin/cli';
import { localTarget, type Target } from '../../scripts/admin/target';
import { deleteUser } from '../../scripts/admin/users';

const PASSWORD = 'Correct-Horse-Battery-1!';

/** lockbox-admin --local against a local system in its own process (npm start), as an operator runs it. */
describe('admin CLI against the local system', function () {
  this.timeout(120_000);
  let dataDir: string;
  let system: LaunchedSystem;
  let target: Target;

  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'lockbox-admin-'));
    system = await launchLocalSystem({ dataDir });
    target = await localTarget(dataDir);
  });

  after(async () => {
    target?.close();
    expect(await system?.stop()).to.equal(0);
    await rm(dataDir, { recursive: true, force: true });
  });

  /** Runs one command; `answer` is what the operator types at a question. */
  async function admin(argv: string, answer = '') {
    const out: string[] = [];
    const err: string[] = [];
    const questions: string[] = [];
    const code = await runAdmin(['--local', ...argv.split(' ')], {
      out: (line) => out.push(line),
      err: (line) => err.push(line),
      ask: async (question) => {
        questions.push(question);
        return answer;
      },
      env: { LOCKBOX_DATA: dataDir },
    });
    return { code, out: out.join('\n'), err: err.join('\n'), questions };
  }

  async function created(email: string): Promise<string> {
    const result = await admin(`users create ${email} --print-password`);
    expect(result.code, result.err).to.equal(0);
    const password = /Temporary password[^:]*: (\S+)$/m.exec(result.out)?.[1];
    expect(password).to.be.a('string');
    return password as string;
  }

  /** The user's first sign-in (new-password challenge) and an API client with their credentials. */
  async function signedIn(email: string, temporary: string): Promise<{ api: ApiFetch; identityId: string }> {
    const idToken = await signIn(system.config, email, temporary, PASSWORD);
    const { identityId, credentials } = await identityCredentials(system.config, idToken);
    return {
      api: signedFetch(system.config.api_url, system.config.region, credentials, 'smithy'),
      identityId,
    };
  }

  /** Every key in the bucket: the users' folders, zip/, users/. */
  async function bucketKeys(): Promise<string[]> {
    const page = await target.s3.send(new ListObjectsV2Command({ Bucket: system.config.bucket_name }));
    return (page.Contents ?? []).map((object) => object.Key as string);
  }

  it('config prints the frontend config; --format amplify the amplify-config.json npm start wrote', async () => {
    const result = await admin('config');
    expect(result.code).to.equal(0);
    expect(JSON.parse(result.out)).to.deep.equal(system.config);
    const amplify = await admin('config --format amplify');
    expect(amplify.code).to.equal(0);
    const written = JSON.parse(await readFile(join(dataDir, 'amplify-config.json'), 'utf8'));
    expect(JSON.parse(amplify.out)).to.deep.equal(written);
    expect(written.Auth.Cognito).to.include({
      userPoolId: system.config.user_pool_id,
      userPoolEndpoint: system.config.user_pool_endpoint,
      identityPoolEndpoint: system.config.identity_pool_endpoint,
    });
    expect(written.API.REST.lockbox).to.deep.equal({
      endpoint: system.config.api_url,
      region: system.config.region,
      service: 'execute-api',
    });
  });

  it('creates a user who signs in with the printed password; show has no folder until the first API call', async () => {
    const temporary = await created('ann@example.com');
    const before = await admin('users show ann@example.com');
    expect(before.out).to.match(/^status +FORCE_CHANGE_PASSWORD, enabled$/m);
    expect(before.out).to.match(/^folder +none: the user has never signed in/m);
    expect(before.out).to.match(/^last sign-in +not recorded: the user pool has no threat protection/m);

    const { api, identityId } = await signedIn('ann@example.com', temporary);
    for (const [key, body] of [
      ['a.txt', 'hello'],
      ['docs/b.txt', 'x'.repeat(2000)],
    ]) {
      expect((await api({ method: 'PUT', path: '/file', query: { key }, body })).status).to.equal(201);
    }
    const after = await admin('users show ann@example.com');
    expect(after.code, after.err).to.equal(0);
    expect(after.out).to.match(/^status +CONFIRMED, enabled$/m);
    expect(after.out).to.include(`folder        ${identityId}/ (first API call 20`);
    expect(after.out).to.match(/^files +2 file\(s\), 2\.0 KiB \(2005 bytes\)$/m);

    const json = JSON.parse((await admin('users show ann@example.com --json')).out);
    expect(json.folder).to.deep.include({ identityId, files: { objects: 2, bytes: 2005 } });
  });

  it('invites by mail without --print-password, and lists every user', async () => {
    const result = await admin('users create bo@example.com');
    expect(result.out).to.include('Cognito mails the invitation');
    expect(result.out).to.not.match(/password:/i);
    expect(system.output()).to.include(
      'invitation for bo@example.com (printed, not mailed): temporary password ',
    );
    const list = await admin('users list');
    expect(list.out).to.match(/^bo@example\.com +FORCE_CHANGE_PASSWORD +20/m);
    const json = JSON.parse((await admin('users list --json')).out) as { email: string }[];
    expect(json.map((user) => user.email)).to.include.members(['ann@example.com', 'bo@example.com']);
  });

  it('resends an invitation only to a user who has not signed in yet', async () => {
    expect((await admin('users resend bo@example.com')).code).to.equal(0);
    const signedInUser = await admin('users resend ann@example.com');
    expect(signedInUser.code).to.equal(1);
    expect(signedInUser.err).to.match(/^UnsupportedUserStateException/);
  });

  it('disables (sign-in refused) and enables a user', async () => {
    expect((await admin('users disable ann@example.com')).out).to.match(/^Disabled ann@example\.com/);
    expect((await admin('users list')).out).to.match(/^ann@example\.com +CONFIRMED \(disabled\)/m);
    try {
      await signIn(system.config, 'ann@example.com', PASSWORD);
      expect.fail('a disabled user signed in');
    } catch (error) {
      expect((error as { code?: string }).code).to.equal('NotAuthorizedException');
    }
    expect((await admin('users enable ann@example.com')).code).to.equal(0);
    expect(await signIn(system.config, 'ann@example.com', PASSWORD)).to.be.a('string');
  });

  it('resets a password: the old one stops working and a code is mailed', async () => {
    const temporary = await created('cy@example.com');
    await signedIn('cy@example.com', temporary);
    const result = await admin('users reset-password cy@example.com');
    expect(result.code, result.err).to.equal(0);
    expect((await admin('users show cy@example.com')).out).to.match(/^status +RESET_REQUIRED, enabled$/m);
    expect(system.output()).to.match(/password reset code for cy@example\.com: \d{6}/);
    try {
      await signIn(system.config, 'cy@example.com', PASSWORD);
      expect.fail('the old password signed in');
    } catch (error) {
      expect((error as { code?: string }).code).to.equal('PasswordResetRequiredException');
    }
  });

  it('delete --purge asks for the email, and deletes nothing on a wrong answer', async () => {
    const result = await admin('users delete ann@example.com --purge', 'ann@example.org');
    expect(result.questions).to.have.length(1);
    expect(result.questions[0]).to.include('Type the email to confirm');
    expect(result.code).to.equal(1);
    expect(result.err).to.include('Not confirmed: nothing was deleted.');
    expect((await admin('users show ann@example.com')).out).to.match(/^files +2 file/m);
  });

  /** Every version and delete marker under a prefix (or of a key). */
  async function versionsUnder(prefix: string): Promise<string[]> {
    const page = await target.s3.send(
      new ListObjectVersionsCommand({ Bucket: system.config.bucket_name, Prefix: prefix }),
    );
    return [...(page.Versions ?? []), ...(page.DeleteMarkers ?? [])].map((v) => `${v.Key}@${v.VersionId}`);
  }

  async function usageItems(identityId: string): Promise<number> {
    const page = await target.usageTable.dynamodb.send(
      new QueryCommand({
        TableName: target.usageTable.table,
        KeyConditionExpression: '#user = :user',
        ExpressionAttributeNames: { '#user': 'user' },
        ExpressionAttributeValues: { ':user': { S: identityId } },
      }),
    );
    return page.Count ?? 0;
  }

  /** A user with every kind of data: versions, a delete marker, a zip archive, an open upload, usage. */
  async function userWithData(email: string) {
    const temporary = await created(email);
    const { api, identityId } = await signedIn(email, temporary);
    for (const body of ['one', 'one, again']) {
      expect(
        (await api({ method: 'PUT', path: '/file', query: { key: 'x/one.txt' }, body })).status,
      ).to.equal(201);
    }
    await api({ method: 'PUT', path: '/file', query: { key: 'gone.txt' }, body: 'bye' });
    expect((await api({ method: 'DELETE', path: '/file', query: { key: 'gone.txt' } })).status).to.equal(204);
    const zip = await api({ method: 'POST', path: '/zips', body: JSON.stringify({ keys: ['x/'] }) });
    const { id } = (await zip.json()) as { id: string };
    for (let status = ''; status !== 'done'; ) {
      expect(status).to.not.equal('failed');
      await new Promise((resolve) => setTimeout(resolve, 200));
      status = ((await (await api({ method: 'GET', path: `/zips/${id}` })).json()) as { status: string })
        .status;
    }
    const upload = await api({
      method: 'POST',
      path: '/uploads',
      body: JSON.stringify({
        key: 'x/big.bin',
        size: 20 * 1024 * 1024,
        contentType: 'application/octet-stream',
      }),
    });
    expect(((await upload.json()) as { type: string }).type).to.equal('multipart');
    const sub = JSON.parse((await admin(`users show ${email} --json`)).out).sub as string;
    return { identityId, sub };
  }

  const prefixesOf = (identityId: string, sub: string) => [
    `${identityId}/`,
    `zip/${identityId}/`,
    `uploads/${identityId}/`,
    `users/${sub}.json`,
  ];

  it('delete --purge erases every version, marker, upload, usage item, the record, identity and user', async () => {
    const { identityId, sub } = await userWithData('dee@example.com');
    for (const prefix of prefixesOf(identityId, sub))
      expect(await versionsUnder(prefix), prefix).to.not.be.empty;
    expect((await versionsUnder(`${identityId}/x/one.txt`)).length).to.equal(2);
    expect(await usageItems(identityId)).to.be.above(0);

    const result = await admin('users delete dee@example.com --purge', 'dee@example.com');
    expect(result.code, result.err).to.equal(0);
    expect(result.out).to.include(`Erased ${identityId}/: 3 version(s), 1 delete marker(s).`);
    expect(result.out).to.match(new RegExp(`^Erased zip/${identityId}/: [1-9]\\d* version\\(s\\)`, 'm'));
    expect(result.out).to.include(`Erased uploads/${identityId}/: 1 version(s), 0 delete marker(s).`);
    expect(result.out).to.include(`Erased users/${sub}.json: 1 version(s), 0 delete marker(s).`);
    expect(result.out).to.include('Aborted 1 unfinished upload(s).');
    expect(result.out).to.match(
      new RegExp(`^Deleted [1-9]\\d* usage table item\\(s\\) of ${identityId}\\.$`, 'm'),
    );
    expect(result.out).to.include(`Deleted identity ${identityId} from the identity pool.`);

    for (const prefix of prefixesOf(identityId, sub))
      expect(await versionsUnder(prefix), prefix).to.deep.equal([]);
    const uploads = await target.s3.send(
      new ListMultipartUploadsCommand({ Bucket: system.config.bucket_name, Prefix: `${identityId}/` }),
    );
    expect(uploads.Uploads ?? []).to.deep.equal([]);
    expect(await usageItems(identityId)).to.equal(0);
    const identities = JSON.parse(
      await readFile(join(dataDir, DATA_ENTRIES.identityPool, 'identities.json'), 'utf8'),
    );
    expect(Object.values(identities.identities)).to.not.include(identityId);
    const gone = await admin('users show dee@example.com');
    expect(gone.err).to.match(/^UserNotFoundException/);

    const again = await admin('users delete dee@example.com --purge --yes');
    expect(again.code, again.err).to.equal(0);
    expect(again.out).to.equal(
      `dee@example.com is not in ${target.name}: nothing to remove (an earlier purge ended).`,
    );
    // Ann's files are untouched.
    expect((await admin('users show ann@example.com')).out).to.match(/^files +2 file/m);
  });

  it('delete --purge that failed halfway (identity pool down) runs again to the end', async () => {
    const { identityId, sub } = await userWithData('fay@example.com');
    const send = sinon.stub(target.identities, 'send').rejects(new Error('identity pool unavailable'));
    try {
      await deleteUser(target, 'fay@example.com', { purge: true }).then(
        () => expect.fail('the purge did not fail'),
        (error: Error) => expect(error.message).to.equal('identity pool unavailable'),
      );
    } finally {
      send.restore();
    }
    // The record and the user are still there, so the next run finds the rest.
    expect(await versionsUnder(`users/${sub}.json`)).to.have.length(1);
    expect(await versionsUnder(`${identityId}/`)).to.deep.equal([]);
    const result = await admin('users delete fay@example.com --purge --yes');
    expect(result.code, result.err).to.equal(0);
    expect(result.out).to.include(`Erased ${identityId}/: 0 version(s), 0 delete marker(s).`);
    expect(result.out).to.include('Aborted 0 unfinished upload(s).');
    expect(result.out).to.include(`Erased users/${sub}.json: 1 version(s), 0 delete marker(s).`);
    expect(result.out).to.include(`Deleted identity ${identityId} from the identity pool.`);
    for (const prefix of prefixesOf(identityId, sub))
      expect(await versionsUnder(prefix), prefix).to.deep.equal([]);
    expect(await usageItems(identityId)).to.equal(0);
  });

  it('delete --purge --yes asks nothing; a user who never signed in has no folder to purge', async () => {
    await created('eli@example.com');
    const result = await admin('users delete eli@example.com --purge --yes');
    expect(result.questions).to.deep.equal([]);
    expect(result.code, result.err).to.equal(0);
    expect(result.out).to.include('No folder: the user never signed in.');
  });

  it('delete without --purge removes only the user: the files stay (for a later purge by hand)', async () => {
    const keysBefore = await bucketKeys();
    const { identityId } = JSON.parse((await admin('users show ann@example.com --json')).out).folder;
    const result = await admin('users delete ann@example.com');
    expect(result.code, result.err).to.equal(0);
    expect(result.questions).to.deep.equal([]);
    expect(result.out).to.include(`Their files stay in ${identityId}/.`);
    expect(await bucketKeys()).to.deep.equal(keysBefore);
  });

  it("usage reconcile finds a drift planted in the usage table, and --fix writes S3's truth", async () => {
    const temporary = await created('ula@example.com');
    const { api, identityId } = await signedIn('ula@example.com', temporary);
    expect(
      (await api({ method: 'PUT', path: '/file', query: { key: 'r.txt' }, body: 'r'.repeat(300) })).status,
    ).to.equal(201);
    expect(
      (await api({ method: 'PUT', path: '/file', query: { key: 'r.txt' }, body: 'r'.repeat(200) })).status,
    ).to.equal(201);
    const usage = async () =>
      (await (await api({ method: 'GET', path: '/usage' })).json()) as { bytes: number };
    // S3's events reach the recorder a moment after the answers.
    for (let i = 0; i < 100 && (await usage()).bytes !== 500; i++)
      await new Promise((r) => setTimeout(r, 100));
    expect(await usage()).to.deep.include({ bytes: 500, currentBytes: 200, versionBytes: 300, files: 1 });
    const before = await admin('usage reconcile ula@example.com');
    expect(before.code, before.err).to.equal(0);
    expect(before.out).to.include('0 drift(s)');
    // The drift: the ledger says 12,345 bytes more than S3 keeps.
    await target.usageTable.dynamodb.send(
      new UpdateItemCommand({
        TableName: target.usageTable.table,
        Key: { user: { S: identityId }, item: { S: 'usage' } },
        UpdateExpression: 'ADD bytes :drift',
        ExpressionAttributeValues: { ':drift': { N: '12345' } },
      }),
    );
    const found = await admin('usage reconcile ula@example.com');
    expect(found.code).to.equal(1);
    expect(found.out).to.include(
      `${identityId}: recorded 12845 bytes (current 200, 1 file(s)), S3 keeps 500`,
    );
    expect(found.out).to.include('drift +12345 bytes');
    expect((await usage()).bytes).to.equal(12845);
    const fixed = await admin('usage reconcile --all --fix');
    expect(fixed.code, fixed.out + fixed.err).to.equal(0);
    expect(fixed.out).to.include(`${identityId}: recorded 12845 bytes`);
    expect(fixed.out).to.match(/drift \+12345 bytes, fixed/);
    expect(await usage()).to.deep.include({ bytes: 500, currentBytes: 200, versionBytes: 300, files: 1 });
    const after = await admin('usage reconcile --all');
    expect(after.code, after.out).to.equal(0);
    expect(after.out).to.include('every user: 0 drift(s)');
    expect((await admin('usage reconcile ula@example.com --purge')).code).to.equal(2);
    expect((await admin('usage reconcile --all ula@example.com')).code).to.equal(2);
  });
});
