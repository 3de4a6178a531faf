import { expect } from 'chai';
import { createLockboxClient, type LockboxConfig, LockboxError } from '../../packages/client/index';

/**
 * The sign-in challenges, answered by a scripted pool: exactly what the client sends for SOFTWARE_TOKEN_MFA
 * (test/local/amplify-api.test.ts signs in with TOTP against the local pool), and how it refuses a
 * challenge it does not know.
 */
const config: LockboxConfig = {
  region: 'eu-west-1',
  user_pool_id: 'eu-west-1_Abc123',
  user_pool_client_id: 'client123',
  identity_pool_id: 'eu-west-1:00000000-0000-4000-8000-000000000000',
  api_url: 'https://api.invalid/v1',
  user_pool_endpoint: 'https://idp.invalid/',
  identity_pool_endpoint: 'https://identity.invalid/',
};

const base64url = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
const idToken = `${base64url({ alg: 'none' })}.${base64url({
  sub: 'sub-1',
  email: 'tom@example.com',
  'cognito:username': 'user-1',
  exp: Math.floor(Date.now() / 1000) + 3600,
})}.sig`;

function scriptedPool(afterProof: object) {
  const received: { target: string; body: Record<string, unknown> }[] = [];
  const fetchImpl: typeof fetch = async (input, init) => {
    const request = new Request(input, init);
    const target = request.headers.get('x-amz-target')?.split('.')[1] ?? '';
    const body = (await request.json()) as Record<string, unknown>;
    received.push({ target, body });
    const answers: Record<string, object> = {
      InitiateAuth: {
        ChallengeName: 'PASSWORD_VERIFIER',
        ChallengeParameters: {
          SALT: '0c',
          SRP_B: '2',
          SECRET_BLOCK: 'AAAA',
          USERNAME: 'user-1',
          USER_ID_FOR_SRP: 'user-1',
        },
      },
      RespondToAuthChallenge:
        received.filter((r) => r.target === 'RespondToAuthChallenge').length === 1
          ? afterProof
          : { AuthenticationResult: { IdToken: idToken, AccessToken: 'access', RefreshToken: 'refresh' } },
      GetId: { IdentityId: 'eu-west-1:11111111-1111-4111-8111-111111111111' },
      GetCredentialsForIdentity: {
        IdentityId: 'eu-west-1:11111111-1111-4111-8111-111111111111',
        Credentials: {
          AccessKeyId: 'ASIA1',
          SecretKey: 's',
          SessionToken: 't',
          Expiration: Date.now() / 1000 + 3600,
        },
      },
    };
    return new Response(JSON.stringify(answers[target]), { status: 200 });
  };
  return { received, fetchImpl };
}

describe('client sign-in challenges (scripted user pool)', () => {
  it('answers SOFTWARE_TOKEN_MFA with the code, the session and the pool’s username', async () => {
    const pool = scriptedPool({
      ChallengeName: 'SOFTWARE_TOKEN_MFA',
      ChallengeParameters: {},
      Session: 'session-1',
    });
    const client = createLockboxClient(config, { fetch: pool.fetchImpl });
    const first = await client.auth.signIn('tom@example.com', 'Correct-Horse-1!');
    expect(first.status).to.equal('totp-required');
    if (first.status !== 'totp-required') return;
    const done = await first.complete('123456');
    expect(done.status).to.equal('signed-in');
    const answer = pool.received.filter((r) => r.target === 'RespondToAuthChallenge')[1]?.body;
    expect(answer).to.deep.equal({
      ClientId: 'client123',
      ChallengeName: 'SOFTWARE_TOKEN_MFA',
      Session: 'session-1',
      ChallengeResponses: { USERNAME: 'user-1', SOFTWARE_TOKEN_MFA_CODE: '123456' },
    });
    expect(await client.auth.currentUser()).to.deep.equal({
      sub: 'sub-1',
      email: 'tom@example.com',
      username: 'user-1',
      identityId: 'eu-west-1:11111111-1111-4111-8111-111111111111',
    });
    const logins = pool.received.find((r) => r.target === 'GetId')?.body.Logins;
    expect(logins).to.deep.equal({ 'cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Abc123': idToken });
  });

  it('refuses a challenge it cannot answer with UnsupportedChallenge', async () => {
    const pool = scriptedPool({ ChallengeName: 'MFA_SETUP', ChallengeParameters: {}, Session: 's' });
    const client = createLockboxClient(config, { fetch: pool.fetchImpl });
    const error = await client.auth.signIn('tom@example.com', 'x').catch((e: unknown) => e);
    expect(error).to.be.instanceOf(LockboxError);
    expect(error).to.include({ code: 'UnsupportedChallenge' });
  });
});
