import { createPublicKey, verify } from 'node:crypto';
import {
  CognitoIdentityProviderClient,
  GetTokensFromRefreshTokenCommand,
  RevokeTokenCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { CognitoJwtVerifier } from 'aws-jwt-verify';
import { expect } from 'chai';
import { jsUser, signIn } from '../support/cognito-js';
import {
  CLIENT_ID,
  callRaw,
  POOL_ID,
  REGION,
  startUserPool,
  type TestUserPool,
} from '../support/user-pool-server';

const PASSWORD = 'Correct-Horse-1';
const ISSUER = `https://cognito-idp.${REGION}.amazonaws.com/${POOL_ID}`;

async function tokens(up: TestUserPool, email: string) {
  const outcome = await signIn(jsUser(up.endpoint, email), PASSWORD);
  if (outcome.kind !== 'session') throw new Error('expected a session');
  return {
    idToken: outcome.session.getIdToken().getJwtToken(),
    accessToken: outcome.session.getAccessToken().getJwtToken(),
    refreshToken: outcome.session.getRefreshToken().getToken(),
  };
}

function decode(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8'));
}

describe('user pool stand-in tokens', () => {
  let up: TestUserPool;
  let username: string;
  before(async () => {
    up = await startUserPool();
    username = await up.createConfirmedUser('kim@example.com', PASSWORD);
  });
  after(() => up.stop());

  it('issues id and access tokens that aws-jwt-verify accepts against the JWKS, with the production issuer', async () => {
    const { idToken, accessToken } = await tokens(up, 'kim@example.com');
    const idVerifier = CognitoJwtVerifier.create({
      userPoolId: POOL_ID,
      tokenUse: 'id',
      clientId: CLIENT_ID,
    });
    const accessVerifier = CognitoJwtVerifier.create({
      userPoolId: POOL_ID,
      tokenUse: 'access',
      clientId: CLIENT_ID,
    });
    idVerifier.cacheJwks(up.pool.jwks() as never);
    accessVerifier.cacheJwks(up.pool.jwks() as never);
    const id = await idVerifier.verify(idToken);
    const access = await accessVerifier.verify(accessToken);
    expect(up.pool.issuer).to.equal(ISSUER);
    expect(id).to.include({
      iss: ISSUER,
      aud: CLIENT_ID,
      token_use: 'id',
      sub: username,
      'cognito:username': username,
      email: 'kim@example.com',
      email_verified: true,
    });
    expect(access).to.include({
      iss: ISSUER,
      client_id: CLIENT_ID,
      token_use: 'access',
      sub: username,
      username,
      scope: 'aws.cognito.signin.user.admin',
    });
    expect(access).to.not.have.property('aud');
    expect(id.exp - id.iat).to.equal(3600);
    expect(id.origin_jti).to.equal(access.origin_jti);
  });

  it('signs id and access tokens with different keys, both in the JWKS', async () => {
    const { idToken, accessToken } = await tokens(up, 'kim@example.com');
    const kid = (token: string) => JSON.parse(Buffer.from(token.split('.')[0], 'base64url').toString()).kid;
    expect(kid(idToken)).to.not.equal(kid(accessToken));
    for (const token of [idToken, accessToken]) {
      const jwk = up.pool.jwks().keys.find((key) => key.kid === kid(token));
      const [header, payload, signature] = token.split('.');
      const key = createPublicKey({ key: jwk as never, format: 'jwk' });
      expect(
        verify('sha256', Buffer.from(`${header}.${payload}`), key, Buffer.from(signature, 'base64url')),
      ).to.equal(true);
    }
  });

  it("refreshes with GetTokensFromRefreshToken (Amplify v6's call) and stops after RevokeToken", async () => {
    const { refreshToken, idToken } = await tokens(up, 'kim@example.com');
    const client = new CognitoIdentityProviderClient({
      endpoint: up.endpoint,
      region: REGION,
      credentials: { accessKeyId: 'unused', secretAccessKey: 'unused' },
    });
    const fresh = await client.send(
      new GetTokensFromRefreshTokenCommand({ ClientId: CLIENT_ID, RefreshToken: refreshToken }),
    );
    expect(fresh.AuthenticationResult).to.include({ ExpiresIn: 3600, TokenType: 'Bearer' });
    // Rotation (the stack's default): a new refresh token of the same session.
    const rotated = fresh.AuthenticationResult?.RefreshToken ?? '';
    expect(rotated).to.be.a('string').and.not.equal(refreshToken);
    const refreshedId = decode(fresh.AuthenticationResult?.IdToken ?? '');
    const original = decode(idToken);
    expect(refreshedId).to.include({
      origin_jti: original.origin_jti,
      event_id: original.event_id,
      auth_time: original.auth_time,
    });

    await client.send(new RevokeTokenCommand({ ClientId: CLIENT_ID, Token: rotated }));
    // Revoking ends the session: neither the rotated token nor the one it replaced works any more.
    for (const token of [rotated, refreshToken]) {
      try {
        await client.send(new GetTokensFromRefreshTokenCommand({ ClientId: CLIENT_ID, RefreshToken: token }));
        expect.fail('the revoked refresh token still worked');
      } catch (error) {
        expect((error as Error).name).to.equal('NotAuthorizedException');
      }
    }
    client.destroy();
  });

  it('keeps users, keys and refresh tokens across a restart', async () => {
    const { refreshToken } = await tokens(up, 'kim@example.com');
    const jwks = up.pool.jwks();
    const restarted = await up.restart();
    up = restarted;
    expect(restarted.pool.jwks()).to.deep.equal(jwks);
    const refreshed = await callRaw(restarted.endpoint, 'GetTokensFromRefreshToken', {
      ClientId: CLIENT_ID,
      RefreshToken: refreshToken,
    });
    expect(refreshed.status).to.equal(200);
    expect((await tokens(restarted, 'kim@example.com')).idToken).to.be.a('string');
  });
});
