import { expect } from 'chai';
import { tokenValidity } from '../../contract/token-validity';
import { jsUser, signIn } from '../support/cognito-js';
import { CLIENT_ID, callRaw, startUserPool, type TestUserPool } from '../support/user-pool-server';

const PASSWORD = 'Correct-Horse-1';
const GRACE_SECONDS = 10;

function claims(token: unknown): Record<string, unknown> {
  return JSON.parse(Buffer.from(String(token).split('.')[1], 'base64url').toString('utf8'));
}

async function refreshTokenOf(up: TestUserPool, email: string): Promise<string> {
  const outcome = await signIn(jsUser(up.endpoint, email), PASSWORD);
  if (outcome.kind !== 'session') throw new Error('expected a session');
  return outcome.session.getRefreshToken().getToken();
}

describe('user pool stand-in: refresh-token rotation and user-existence errors, as the stack configures them', () => {
  let up: TestUserPool;
  let clock = 0;
  before(async () => {
    // Read when the suite starts, not when mocha loads the file: a long run would start the pool's clock
    // more than SigV4's 5 minutes behind the real one that signs the admin calls.
    clock = Date.now();
    up = await startUserPool({
      now: () => clock,
      refreshTokenRotation: { enabled: true, retryGraceSeconds: GRACE_SECONDS },
    });
    await up.createConfirmedUser('rita@example.com', PASSWORD);
  });
  after(() => up.stop());
  afterEach(() => {
    // Admin calls are signed with the real clock; the pool's must be within 5 minutes of it.
    clock = Date.now();
  });

  const refresh = (token: string) =>
    callRaw(up.endpoint, 'GetTokensFromRefreshToken', { ClientId: CLIENT_ID, RefreshToken: token });

  it('rotates by default, as the stack does', () => {
    expect(tokenValidity.rotation.enabled).to.equal(true);
  });

  it('answers each refresh with a new refresh token of the same session', async () => {
    const first = await refreshTokenOf(up, 'rita@example.com');
    const answer = await refresh(first);
    expect(answer.status).to.equal(200);
    const result = answer.json.AuthenticationResult as Record<string, string>;
    expect(result.RefreshToken).to.be.a('string').and.not.equal(first);
    const again = (await refresh(result.RefreshToken)).json.AuthenticationResult as Record<string, string>;
    expect(claims(again.AccessToken).origin_jti).to.equal(claims(result.AccessToken).origin_jti);
  });

  it('accepts the rotated-out token for a retry within the grace period, and never after', async () => {
    const first = await refreshTokenOf(up, 'rita@example.com');
    const lost = (await refresh(first)).json.AuthenticationResult as Record<string, string>;
    clock += (GRACE_SECONDS - 1) * 1000;
    const retried = await refresh(first);
    expect(retried.status).to.equal(200);
    const kept = (retried.json.AuthenticationResult as Record<string, string>).RefreshToken;
    // The retry's answer is the one the client keeps; the lost answer's token was never seen.
    expect((await refresh(lost.RefreshToken)).json.__type).to.equal('NotAuthorizedException');
    clock += 2 * 1000;
    expect((await refresh(first)).json).to.deep.equal({
      __type: 'NotAuthorizedException',
      message: 'Invalid Refresh Token',
    });
    expect((await refresh(kept)).status).to.equal(200);
  });

  it('retires the old token at once with no grace period', async () => {
    const noGrace = await startUserPool({ refreshTokenRotation: { enabled: true, retryGraceSeconds: 0 } });
    try {
      await noGrace.createConfirmedUser('nils@example.com', PASSWORD);
      const first = await refreshTokenOf(noGrace, 'nils@example.com');
      const call = (token: string) =>
        callRaw(noGrace.endpoint, 'GetTokensFromRefreshToken', { ClientId: CLIENT_ID, RefreshToken: token });
      expect((await call(first)).status).to.equal(200);
      expect((await call(first)).json.__type).to.equal('NotAuthorizedException');
    } finally {
      await noGrace.stop();
    }
  });

  it('refuses REFRESH_TOKEN_AUTH, which rotation rules out', async () => {
    const token = await refreshTokenOf(up, 'rita@example.com');
    const answer = await callRaw(up.endpoint, 'InitiateAuth', {
      AuthFlow: 'REFRESH_TOKEN_AUTH',
      ClientId: CLIENT_ID,
      AuthParameters: { REFRESH_TOKEN: token },
    });
    expect(answer.json).to.deep.equal({
      __type: 'InvalidParameterException',
      message: 'REFRESH_TOKEN_AUTH flow not enabled for this client',
    });
  });

  it('keeps the refresh token when rotation is off', async () => {
    const still = await startUserPool({ refreshTokenRotation: { enabled: false, retryGraceSeconds: 0 } });
    try {
      await still.createConfirmedUser('otto@example.com', PASSWORD);
      const token = await refreshTokenOf(still, 'otto@example.com');
      const answer = await callRaw(still.endpoint, 'GetTokensFromRefreshToken', {
        ClientId: CLIENT_ID,
        RefreshToken: token,
      });
      expect(answer.json.AuthenticationResult).to.not.have.property('RefreshToken');
      const again = await callRaw(still.endpoint, 'GetTokensFromRefreshToken', {
        ClientId: CLIENT_ID,
        RefreshToken: token,
      });
      expect(again.status).to.equal(200);
    } finally {
      await still.stop();
    }
  });

  it('answers ForgotPassword for an unknown user as for a known one (prevent_user_existence_errors)', async () => {
    const known = await callRaw(up.endpoint, 'ForgotPassword', {
      ClientId: CLIENT_ID,
      Username: 'rita@example.com',
    });
    const unknown = await callRaw(up.endpoint, 'ForgotPassword', {
      ClientId: CLIENT_ID,
      Username: 'ghost@example.com',
    });
    expect(unknown.status).to.equal(known.status);
    expect(unknown.json).to.deep.equal({
      CodeDeliveryDetails: { Destination: 'g***@e***', DeliveryMedium: 'EMAIL', AttributeName: 'email' },
    });
    expect(known.json).to.deep.equal({
      CodeDeliveryDetails: { Destination: 'r***@e***', DeliveryMedium: 'EMAIL', AttributeName: 'email' },
    });
    const confirm = await callRaw(up.endpoint, 'ConfirmForgotPassword', {
      ClientId: CLIENT_ID,
      Username: 'ghost@example.com',
      ConfirmationCode: '123456',
      Password: 'Ghosts-New-Pass-1',
    });
    expect(confirm.json.__type).to.equal('CodeMismatchException');
  });

  it('answers an unknown user at SRP sign-in only at the proof, as for a wrong password', async () => {
    const unknown = await signIn(jsUser(up.endpoint, 'ghost@example.com'), PASSWORD).catch((e: unknown) => e);
    const wrong = await signIn(jsUser(up.endpoint, 'rita@example.com'), 'Wrong-Horse-1').catch(
      (e: unknown) => e,
    );
    for (const error of [unknown, wrong]) {
      expect(error).to.include({
        code: 'NotAuthorizedException',
        message: 'Incorrect username or password.',
      });
    }
  });
});
