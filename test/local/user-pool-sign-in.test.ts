import {
  AdminCreateUserCommand,
  AdminDisableUserCommand,
  AdminEnableUserCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { expect } from 'chai';
import {
  changePassword,
  completeNewPassword,
  confirmPassword,
  failure,
  forgotPassword,
  getAttributes,
  globalSignOut,
  jsUser,
  refreshSession,
  signIn,
} from '../support/cognito-js';
import { CLIENT_ID, callRaw, POOL_ID, startUserPool, type TestUserPool } from '../support/user-pool-server';

const PASSWORD = 'Correct-Horse-1';

describe('user pool stand-in with amazon-cognito-identity-js', () => {
  let up: TestUserPool;
  let username: string;
  before(async () => {
    // amazon-cognito-identity-js refreshes with REFRESH_TOKEN_AUTH, which only a client without refresh-token
    // rotation allows (an environment with auth.refreshTokenRotation: false); user-pool-rotation.test.ts
    // covers the default.
    up = await startUserPool({ refreshTokenRotation: { enabled: false, retryGraceSeconds: 0 } });
    username = await up.createConfirmedUser('alice@example.com', PASSWORD);
  });
  after(() => up.stop());

  it('signs in with SRP 30 times in a row (padding slips fail only some handshakes)', async function () {
    this.timeout(120_000);
    for (let i = 0; i < 30; i++) {
      const outcome = await signIn(jsUser(up.endpoint, 'alice@example.com'), PASSWORD);
      expect(outcome.kind, `sign-in ${i + 1}`).to.equal('session');
    }
  });

  it('signs in by email in any case and reports the UUID username', async () => {
    const user = jsUser(up.endpoint, 'ALICE@Example.com');
    const outcome = await signIn(user, PASSWORD);
    if (outcome.kind !== 'session') throw new Error('expected a session');
    expect(outcome.session.getIdToken().payload['cognito:username']).to.equal(username);
    expect(outcome.session.getIdToken().payload.email).to.equal('alice@example.com');
    expect(await getAttributes(user)).to.deep.include({
      email: 'alice@example.com',
      sub: username,
      email_verified: 'true',
    });
  });

  it('refuses a wrong password and an unknown user with the same error', async () => {
    const wrong = await failure(signIn(jsUser(up.endpoint, 'alice@example.com'), 'Wrong-Horse-1!'));
    expect(wrong).to.include({ code: 'NotAuthorizedException', message: 'Incorrect username or password.' });
    const unknown = await failure(signIn(jsUser(up.endpoint, 'nobody@example.com'), PASSWORD));
    expect(unknown).to.include({
      code: 'NotAuthorizedException',
      message: 'Incorrect username or password.',
    });
  });

  it('asks an admin-created user for a new password at first sign-in, then signs them in', async () => {
    await up.admin.send(
      new AdminCreateUserCommand({
        UserPoolId: POOL_ID,
        Username: 'bob@example.com',
        TemporaryPassword: 'Temporary-Pass-1',
        MessageAction: 'SUPPRESS',
        UserAttributes: [{ Name: 'email_verified', Value: 'true' }],
      }),
    );
    const user = jsUser(up.endpoint, 'bob@example.com');
    const first = await signIn(user, 'Temporary-Pass-1');
    expect(first).to.deep.include({ kind: 'newPasswordRequired', requiredAttributes: [] });
    if (first.kind !== 'newPasswordRequired') throw new Error('unreachable');
    expect(first.userAttributes).to.deep.equal({ email_verified: 'true', email: 'bob@example.com' });
    const weak = await failure(completeNewPassword(user, 'short'));
    expect(weak).to.include({
      code: 'InvalidPasswordException',
      message: 'Password did not conform with policy: Password not long enough',
    });
    const session = await completeNewPassword(user, 'Bobs-New-Pass-1');
    expect(session.isValid()).to.equal(true);
    expect((await signIn(jsUser(up.endpoint, 'bob@example.com'), 'Bobs-New-Pass-1')).kind).to.equal(
      'session',
    );
  });

  it('refreshes a session: new tokens, same origin_jti, no new refresh token', async () => {
    const user = jsUser(up.endpoint, 'alice@example.com');
    const outcome = await signIn(user, PASSWORD);
    if (outcome.kind !== 'session') throw new Error('expected a session');
    const fresh = await refreshSession(user, outcome.session);
    const before = outcome.session.getAccessToken().payload;
    const after = fresh.getAccessToken().payload;
    expect(after.origin_jti).to.equal(before.origin_jti);
    expect(after.jti).to.not.equal(before.jti);
    expect(fresh.getRefreshToken().getToken()).to.equal(outcome.session.getRefreshToken().getToken());
  });

  it('changes the password with the previous one, and refuses a wrong previous one', async () => {
    await up.createConfirmedUser('carol@example.com', PASSWORD);
    const user = jsUser(up.endpoint, 'carol@example.com');
    await signIn(user, PASSWORD);
    const wrong = await failure(changePassword(user, 'Not-The-Pass-1', 'Carols-New-Pass-1'));
    expect(wrong).to.include({ code: 'NotAuthorizedException' });
    await changePassword(user, PASSWORD, 'Carols-New-Pass-1');
    expect((await signIn(jsUser(up.endpoint, 'carol@example.com'), 'Carols-New-Pass-1')).kind).to.equal(
      'session',
    );
    const old = await failure(signIn(jsUser(up.endpoint, 'carol@example.com'), PASSWORD));
    expect(old).to.include({ code: 'NotAuthorizedException' });
  });

  it('resets a forgotten password with the code printed in the log, once', async () => {
    await up.createConfirmedUser('dave@example.com', PASSWORD);
    const user = jsUser(up.endpoint, 'dave@example.com');
    await forgotPassword(user);
    const line = up.logs.find((l) => l.startsWith('user-pool: password reset code for dave@example.com: '));
    const code = line?.split(': ').at(-1) ?? '';
    expect(code).to.match(/^\d{6}$/);
    const wrongCode = code === '000000' ? '111111' : '000000';
    expect(await failure(confirmPassword(user, wrongCode, 'Daves-New-Pass-1'))).to.include({
      code: 'CodeMismatchException',
    });
    await confirmPassword(user, code, 'Daves-New-Pass-1');
    expect((await signIn(jsUser(up.endpoint, 'dave@example.com'), 'Daves-New-Pass-1')).kind).to.equal(
      'session',
    );
    expect(await failure(confirmPassword(user, code, 'Daves-Newer-Pass-1'))).to.include({
      code: 'ExpiredCodeException',
    });
  });

  it('refuses a disabled user, and signs them in again once enabled', async () => {
    await up.createConfirmedUser('erin@example.com', PASSWORD);
    await up.admin.send(new AdminDisableUserCommand({ UserPoolId: POOL_ID, Username: 'erin@example.com' }));
    const disabled = await failure(signIn(jsUser(up.endpoint, 'erin@example.com'), PASSWORD));
    expect(disabled).to.include({ code: 'NotAuthorizedException', message: 'User is disabled.' });
    await up.admin.send(new AdminEnableUserCommand({ UserPoolId: POOL_ID, Username: 'erin@example.com' }));
    expect((await signIn(jsUser(up.endpoint, 'erin@example.com'), PASSWORD)).kind).to.equal('session');
  });

  it('signs out everywhere: the access token and the refresh token stop working', async () => {
    const user = jsUser(up.endpoint, 'alice@example.com');
    const outcome = await signIn(user, PASSWORD);
    if (outcome.kind !== 'session') throw new Error('expected a session');
    await globalSignOut(user);
    // globalSignOut clears the library's cached session; sign the same tokens back in to call with them.
    const again = jsUser(up.endpoint, 'alice@example.com');
    again.setSignInUserSession(outcome.session);
    expect(await failure(getAttributes(again))).to.include({
      code: 'NotAuthorizedException',
      message: 'Access Token has been revoked',
    });
    // The library retries a failed refresh for seconds; one raw call shows the answer.
    const refresh = await callRaw(up.endpoint, 'InitiateAuth', {
      AuthFlow: 'REFRESH_TOKEN_AUTH',
      ClientId: CLIENT_ID,
      AuthParameters: { REFRESH_TOKEN: outcome.session.getRefreshToken().getToken() },
    });
    expect(refresh.json).to.deep.equal({
      __type: 'NotAuthorizedException',
      message: 'Invalid Refresh Token',
    });
  });
});
