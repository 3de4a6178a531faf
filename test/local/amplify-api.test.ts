import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Amplify } from 'aws-amplify';
import { del, get, isCancelError, post } from 'aws-amplify/api';
import {
  confirmSignIn,
  fetchAuthSession,
  fetchMFAPreference,
  setUpTOTP,
  signIn,
  signOut,
  updateMFAPreference,
  verifyTOTPSetup,
} from 'aws-amplify/auth';
import { expect } from 'chai';
import { adminClient, createUser } from '../../devtools/local-session';
import { type LaunchedSystem, launchLocalSystem } from '../../local/launch';
import { stepAt, totpCode } from '../../local/user-pool/totp';
import { apiErrorCode } from '../../packages/client/index';

const PASSWORD = 'Correct-Horse-Battery-1!';
// biome-ignore lint/suspicious/noExplicitAny: JSON bodies read field by field in assertions.
type Json = any;

/** The recipe of docs/api.md, "Amplify": the config npm start writes, no retries of the API's calls. */
/** The user the first test creates; the TOTP test signs them in again. */
let email = '';

describe('Amplify v6 against npm start: amplify-config.json, sign-in, signed REST calls, typed errors', function () {
  this.timeout(120_000);
  let dataDir: string;
  let system: LaunchedSystem;

  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'lockbox-amplify-'));
    system = await launchLocalSystem({ dataDir });
    const config = JSON.parse(await readFile(join(dataDir, 'amplify-config.json'), 'utf8'));
    Amplify.configure(config, { API: { REST: { retryStrategy: { strategy: 'no-retry' } } } });
  });

  after(async () => {
    await signOut().catch(() => {});
    expect(await system?.stop()).to.equal(0);
    await rm(dataDir, { recursive: true, force: true });
  });

  const json = async (operation: { response: Promise<{ body: { json(): Promise<unknown> } }> }) =>
    (await (await operation.response).body.json()) as Json;

  it('signs in (new password), gets identity credentials, and calls the API through aws-amplify/api', async () => {
    email = `amplify-${randomUUID()}@example.com`;
    const temporary = `Temp-${randomUUID()}-1a!`;
    await createUser(adminClient(system.config, system.admin), system.config, email, temporary);
    const first = await signIn({ username: email, password: temporary });
    expect(first.nextStep.signInStep).to.equal('CONFIRM_SIGN_IN_WITH_NEW_PASSWORD_REQUIRED');
    expect((await confirmSignIn({ challengeResponse: PASSWORD })).isSignedIn).to.equal(true);
    const session = await fetchAuthSession();
    expect(session.identityId).to.match(/^eu-west-1:/);
    expect(session.credentials?.accessKeyId).to.match(/^ASIA/);

    // A file goes through POST /uploads and its presigned PUT: Amplify would JSON-encode PUT /file's bytes.
    const bytes = 'hello from Amplify';
    const plan = await json(
      post({
        apiName: 'lockbox',
        path: '/uploads',
        options: { body: { key: 'amplify/hello.txt', size: bytes.length, contentType: 'text/plain' } },
      }),
    );
    expect(plan.type).to.equal('single');
    expect((await fetch(plan.url, { method: 'PUT', headers: plan.headers, body: bytes })).status).to.equal(
      200,
    );

    const listed = await json(
      get({ apiName: 'lockbox', path: '/files', options: { queryParams: { prefix: 'amplify/' } } }),
    );
    expect(listed.files.map((file: { key: string }) => file.key)).to.deep.equal(['amplify/hello.txt']);
    const moved = await json(
      post({
        apiName: 'lockbox',
        path: '/files/move',
        options: { body: { from: 'amplify/hello.txt', to: 'amplify/renamed.txt' } },
      }),
    );
    expect(moved).to.include({ status: 'done', filesDone: 1 });

    const deleted = await del({
      apiName: 'lockbox',
      path: '/file',
      options: { queryParams: { key: 'amplify/renamed.txt' } },
    }).response;
    expect(deleted.statusCode).to.equal(204);
  });

  it("names an error after the API's code (x-amzn-ErrorType), the message and status as the API gave them", async () => {
    try {
      await get({
        apiName: 'lockbox',
        path: '/file',
        options: { queryParams: { key: 'amplify/missing.txt' } },
      }).response;
      expect.fail('a missing file was found');
    } catch (error) {
      expect(isCancelError(error)).to.equal(false);
      expect(error).to.include({ name: 'NotFound' });
      const { response } = error as { response: { statusCode: number; body: string } };
      expect(response.statusCode).to.equal(404);
      expect(JSON.parse(response.body).error.code).to.equal('NotFound');
    }
    try {
      await post({ apiName: 'lockbox', path: '/files/copy', options: { body: { from: '../x', to: 'y' } } })
        .response;
      expect.fail('a bad key was accepted');
    } catch (error) {
      expect(error).to.include({ name: 'InvalidKey' });
    }
  });

  it("names API Gateway's own refusals after API Gateway's type; apiErrorCode gives the API's code", async () => {
    try {
      // Signed, but no route serves it: API Gateway answers before any handler (MISSING_AUTHENTICATION_TOKEN).
      await get({ apiName: 'lockbox', path: '/no-such-route' }).response;
      expect.fail('an unknown route answered');
    } catch (error) {
      expect(error).to.include({ name: 'MissingAuthenticationTokenException' });
      const { response } = error as { response: { statusCode: number; body: string } };
      expect(response.statusCode).to.equal(403);
      expect(JSON.parse(response.body).error.code).to.equal('Unauthorized');
      expect(apiErrorCode(error)).to.equal('Unauthorized');
    }
  });

  it('sets up TOTP with Amplify (setUpTOTP, verifyTOTPSetup, updateMFAPreference) and signs in with a code', async () => {
    const setup = await setUpTOTP();
    const secret = setup.sharedSecret;
    const step = stepAt(Date.now());
    await verifyTOTPSetup({ code: totpCode(secret, step) });
    await updateMFAPreference({ totp: 'PREFERRED' });
    expect(await fetchMFAPreference()).to.deep.include({ enabled: ['TOTP'], preferred: 'TOTP' });
    await signOut();
    const first = await signIn({ username: email, password: PASSWORD });
    expect(first.nextStep.signInStep).to.equal('CONFIRM_SIGN_IN_WITH_TOTP_CODE');
    // The setup's code is spent; the next 30 s step's is accepted (one step of drift either way).
    expect((await confirmSignIn({ challengeResponse: totpCode(secret, step + 1) })).isSignedIn).to.equal(
      true,
    );
    expect((await fetchAuthSession()).credentials?.accessKeyId).to.match(/^ASIA/);
  });
});
