import { AdminCreateUserCommand } from '@aws-sdk/client-cognito-identity-provider';
import { expect } from 'chai';
import { jsUser, signIn } from '../support/cognito-js';
import { CLIENT_ID, callRaw, POOL_ID, startUserPool, type TestUserPool } from '../support/user-pool-server';

describe('user pool stand-in wire format', () => {
  let up: TestUserPool;
  // The pool's clock runs with the real one (admin calls are signed with the real clock and must be
  // within 5 minutes of it, however slow the suite), shifted when a test needs days to pass.
  let shift = 0;
  before(async () => {
    up = await startUserPool({ now: () => Date.now() + shift });
  });
  after(() => up.stop());

  it('sends errors in the body and in the x-amzn-ErrorType header, status 400', async () => {
    const response = await callRaw(up.endpoint, 'InitiateAuth', {
      AuthFlow: 'USER_SRP_AUTH',
      ClientId: 'not-our-client',
      AuthParameters: { USERNAME: 'a@example.com', SRP_A: 'abc' },
    });
    expect(response.status).to.equal(400);
    expect(response.json).to.deep.equal({
      __type: 'ResourceNotFoundException',
      message: 'User pool client not-our-client does not exist.',
    });
    expect(response.headers.get('x-amzn-errortype')).to.equal('ResourceNotFoundException:');
    expect(response.headers.get('x-amzn-errormessage')).to.equal(
      'User pool client not-our-client does not exist.',
    );
    expect(response.headers.get('x-amzn-requestid')).to.match(/^[0-9a-f-]{36}$/);
  });

  it('refuses SignUp as Cognito does for a pool where only administrators create users', async () => {
    const refused = await callRaw(up.endpoint, 'SignUp', {
      ClientId: CLIENT_ID,
      Username: 'self@example.com',
      Password: 'Correct-Horse-Battery-1!',
    });
    expect(refused.status).to.equal(400);
    expect(refused.json).to.deep.equal({
      __type: 'NotAuthorizedException',
      message: 'SignUp is not permitted for this user pool.',
    });
    expect(refused.headers.get('x-amzn-errortype')).to.equal('NotAuthorizedException:');
    const unknownClient = await callRaw(up.endpoint, 'SignUp', { ClientId: 'not-our-client', Username: 'a' });
    expect(unknownClient.json.__type).to.equal('ResourceNotFoundException');
  });

  it('answers an operation Cognito does not have, and a body that is not a JSON object', async () => {
    expect((await callRaw(up.endpoint, 'MakeCoffee', {})).json.__type).to.equal('UnknownOperationException');
    expect((await callRaw(up.endpoint, 'GetUser', '[1]')).json.__type).to.equal('SerializationException');
    expect((await callRaw(up.endpoint, 'GetUser', '{')).json.__type).to.equal('SerializationException');
  });

  it('validates members: missing, wrong type, unknown flow, flows the client does not allow', async () => {
    const missing = await callRaw(up.endpoint, 'InitiateAuth', { ClientId: CLIENT_ID });
    expect(missing.json).to.deep.equal({
      __type: 'InvalidParameterException',
      message:
        "1 validation error detected: Value null at 'authFlow' failed to satisfy constraint: Member must not be null",
    });
    const wrongType = await callRaw(up.endpoint, 'InitiateAuth', { AuthFlow: 'USER_SRP_AUTH', ClientId: 7 });
    expect(wrongType.json.__type).to.equal('InvalidParameterException');
    const password = await callRaw(up.endpoint, 'InitiateAuth', {
      AuthFlow: 'USER_PASSWORD_AUTH',
      ClientId: CLIENT_ID,
      AuthParameters: { USERNAME: 'a@example.com', PASSWORD: 'x' },
    });
    expect(password.json).to.deep.equal({
      __type: 'InvalidParameterException',
      message: 'USER_PASSWORD_AUTH flow not enabled for this client',
    });
    const badA = await callRaw(up.endpoint, 'InitiateAuth', {
      AuthFlow: 'USER_SRP_AUTH',
      ClientId: CLIENT_ID,
      AuthParameters: { USERNAME: 'a@example.com', SRP_A: '0' },
    });
    expect(badA.json.__type).to.equal('InvalidParameterException');
  });

  it('answers an unknown user with a challenge like a real one (same salt each time), never UserNotFound', async () => {
    const start = () =>
      callRaw(up.endpoint, 'InitiateAuth', {
        AuthFlow: 'USER_SRP_AUTH',
        ClientId: CLIENT_ID,
        AuthParameters: { USERNAME: 'ghost@example.com', SRP_A: 'abcdef' },
      });
    const [first, second] = [await start(), await start()];
    expect(first.json.ChallengeName).to.equal('PASSWORD_VERIFIER');
    const parameters = (r: typeof first) => r.json.ChallengeParameters as Record<string, string>;
    expect(parameters(first).SALT).to.equal(parameters(second).SALT);
    expect(parameters(first).USER_ID_FOR_SRP).to.equal(parameters(second).USER_ID_FOR_SRP);
    expect(parameters(first).SECRET_BLOCK).to.not.equal(parameters(second).SECRET_BLOCK);
  });

  it('refuses a temporary password once the policy days have passed', async () => {
    await up.admin.send(
      new AdminCreateUserCommand({
        UserPoolId: POOL_ID,
        Username: 'late@example.com',
        TemporaryPassword: 'Temporary-Pass-1',
        MessageAction: 'SUPPRESS',
      }),
    );
    shift = 3 * 24 * 60 * 60 * 1000 + 1000;
    try {
      await signIn(jsUser(up.endpoint, 'late@example.com'), 'Temporary-Pass-1');
      expect.fail('signed in with an expired temporary password');
    } catch (error) {
      expect(error).to.include({
        code: 'NotAuthorizedException',
        message: 'Temporary password has expired and must be reset by an administrator.',
      });
    } finally {
      shift = 0;
    }
  });

  it('creates the demo user once (ensureUser), confirmed and able to sign in', async () => {
    const created = await up.pool.ensureUser('demo@example.com', 'Demo-User-Pass-1');
    expect(created.created).to.equal(true);
    expect(await up.pool.ensureUser('DEMO@example.com', 'Other-Demo-Pass-1')).to.deep.equal({
      username: created.username,
      created: false,
    });
    expect((await signIn(jsUser(up.endpoint, 'demo@example.com'), 'Demo-User-Pass-1')).kind).to.equal(
      'session',
    );
  });

  it('never logs a password or a token', async () => {
    await up.createConfirmedUser('logs@example.com', 'Logged-Never-Pass-1');
    const outcome = await signIn(jsUser(up.endpoint, 'logs@example.com'), 'Logged-Never-Pass-1');
    if (outcome.kind !== 'session') throw new Error('expected a session');
    const text = up.logs.join('\n');
    expect(text).to.not.include('Logged-Never-Pass-1');
    expect(text).to.not.include('Temporary-Pass-1');
    expect(text).to.not.include(outcome.session.getRefreshToken().getToken());
    expect(text).to.not.include(outcome.session.getAccessToken().getJwtToken().split('.')[1]);
  });
});
