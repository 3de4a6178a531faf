import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CognitoIdentityClient, DeleteIdentitiesCommand } from '@aws-sdk/client-cognito-identity';
import { fromCognitoIdentityPool } from '@aws-sdk/credential-provider-cognito-identity';
import { expect } from 'chai';
import { type CredentialRegistry, createCredentialRegistry } from '../../local/credentials/registry';
import { createIdentityPool } from '../../local/identity-pool/identity-pool';
import { PROVIDER, REGION, type TestUserPool, testUserPool, USER_POOL_ID } from './support/id-tokens';
import { type Listening, listen, readAll } from './support/listen';

const IDENTITY_POOL_ID = `${REGION}:${randomUUID()}`;
const ADMIN = { accessKeyId: 'AKIALOCALADMIN000001', secretAccessKey: 'local-admin-secret' };
const IDENTITY_ID = /^eu-west-1:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe('identity pool stand-in', () => {
  let userPool: TestUserPool;
  let dataDir: string;
  let registry: CredentialRegistry;
  let server: Listening;

  async function start(): Promise<void> {
    registry = createCredentialRegistry();
    const pool = createIdentityPool({
      region: REGION,
      identityPoolId: IDENTITY_POOL_ID,
      userPool,
      adminCredentials: ADMIN,
      registry,
      dataDir,
      log: () => {},
    });
    server = await listen(async (req, res) => pool.handle(req, await readAll(req), res));
  }

  /** What the AWS SDK's provider gets for these logins. */
  function credentialsFor(token: string) {
    return fromCognitoIdentityPool({
      identityPoolId: IDENTITY_POOL_ID,
      logins: { [PROVIDER]: token },
      clientConfig: { region: REGION, endpoint: server.url, maxAttempts: 1 },
    })();
  }

  /** One raw JSON 1.1 call, to see the wire format. */
  async function call(operation: string, body: unknown) {
    const response = await fetch(server.url, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/x-amz-json-1.1',
        'X-Amz-Target': `AWSCognitoIdentityService.${operation}`,
      },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
    return { response, body: (await response.json()) as Record<string, unknown> };
  }

  async function expectRefused(operation: string, body: unknown, type: string, message: string | RegExp) {
    const result = await call(operation, body);
    expect(result.response.status).to.equal(400);
    expect(result.response.headers.get('x-amzn-errortype')).to.equal(`${type}:`);
    expect(result.body.__type).to.equal(type);
    if (typeof message === 'string') expect(result.body.message).to.equal(message);
    else expect(result.body.message).to.match(message);
  }

  before(() => {
    userPool = testUserPool();
  });
  beforeEach(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'lockbox-identity-pool-'));
    await start();
  });
  afterEach(async () => {
    await server.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  describe('with the AWS SDK (fromCognitoIdentityPool)', () => {
    it('trades an ID token for temporary credentials of a stable identity', async () => {
      const sub = randomUUID();
      const before = Date.now();
      const first = await credentialsFor(userPool.idToken({ sub }));
      const second = await credentialsFor(userPool.idToken({ sub }));

      expect(first.identityId).to.match(IDENTITY_ID);
      expect(second.identityId).to.equal(first.identityId);
      expect(first.accessKeyId).to.match(/^ASIA[A-Z2-7]{16}$/);
      expect(first.secretAccessKey).to.have.length(40);
      expect(first.sessionToken).to.be.a('string').and.not.equal('');
      expect(second.accessKeyId).to.not.equal(first.accessKeyId);
      // An hour from the moment the pool answered, which lies between `before` and now (within the
      // second the wire format rounds to).
      const expiration = (first.expiration as Date).getTime();
      expect(expiration).to.be.within(before + 3600_000 - 1000, Date.now() + 3600_000 + 1000);
    });

    it('records the credentials and their identity for the gateway', async () => {
      const sub = randomUUID();
      const credentials = await credentialsFor(userPool.idToken({ sub }));
      expect(registry.lookup(credentials.accessKeyId)).to.deep.equal({
        accessKeyId: credentials.accessKeyId,
        secretAccessKey: credentials.secretAccessKey,
        sessionToken: credentials.sessionToken,
        expiresAt: (credentials.expiration as Date).getTime(),
        identity: {
          identityId: credentials.identityId,
          identityPoolId: IDENTITY_POOL_ID,
          sub,
          userPoolId: USER_POOL_ID,
          authenticationType: 'authenticated',
        },
      });
    });

    it('gives each user their own identity', async () => {
      const ada = await credentialsFor(userPool.idToken());
      const bob = await credentialsFor(userPool.idToken());
      expect(ada.identityId).to.not.equal(bob.identityId);
    });

    it('refuses an expired token with NotAuthorizedException', async () => {
      const expired = userPool.idToken({ exp: Math.floor(Date.now() / 1000) - 1 });
      const error = await credentialsFor(expired).then(
        () => undefined,
        (e: Error) => e,
      );
      expect(error?.name).to.equal('NotAuthorizedException');
    });
  });

  it('keeps identities and issued credentials across a restart, in a file only its owner reads', async () => {
    const sub = randomUUID();
    const credentials = await credentialsFor(userPool.idToken({ sub }));
    await server.close();
    await start();

    expect(registry.lookup(credentials.accessKeyId)?.sessionToken).to.equal(credentials.sessionToken);
    expect((await credentialsFor(userPool.idToken({ sub }))).identityId).to.equal(credentials.identityId);
    expect(statSync(join(dataDir, 'identities.json')).mode & 0o777).to.equal(0o600);
  });

  it('answers Expiration in epoch seconds, as a number', async () => {
    const token = userPool.idToken();
    const { body } = await call('GetId', { IdentityPoolId: IDENTITY_POOL_ID, Logins: { [PROVIDER]: token } });
    const result = await call('GetCredentialsForIdentity', {
      IdentityId: body.IdentityId,
      Logins: { [PROVIDER]: token },
    });
    expect(result.response.headers.get('content-type')).to.equal('application/x-amz-json-1.1');
    const { Expiration } = result.body.Credentials as { Expiration: unknown };
    expect(Expiration).to.be.a('number');
    expect(Expiration).to.be.closeTo(Date.now() / 1000 + 3600, 5);
  });

  describe("DeleteIdentities (the admin CLI's purge)", () => {
    const admin = (credentials = ADMIN) =>
      new CognitoIdentityClient({ region: REGION, endpoint: server.url, credentials, maxAttempts: 1 });

    it('deletes an identity for the signed administrator: the same user then gets a new id', async () => {
      const sub = randomUUID();
      const before = await credentialsFor(userPool.idToken({ sub }));
      const answer = await admin().send(
        new DeleteIdentitiesCommand({ IdentityIdsToDelete: [before.identityId as string] }),
      );
      expect(answer.UnprocessedIdentityIds).to.deep.equal([]);
      const body = { IdentityId: before.identityId, Logins: { [PROVIDER]: userPool.idToken({ sub }) } };
      await expectRefused('GetCredentialsForIdentity', body, 'ResourceNotFoundException', /not found\.$/);
      const after = await credentialsFor(userPool.idToken({ sub }));
      expect(after.identityId).to.match(IDENTITY_ID).and.not.equal(before.identityId);
      // Again, or an id it never held: no error, as in Cognito.
      const again = await admin().send(
        new DeleteIdentitiesCommand({ IdentityIdsToDelete: [before.identityId as string] }),
      );
      expect(again.UnprocessedIdentityIds).to.deep.equal([]);
    });

    it('refuses an unsigned call and other credentials, deleting nothing', async () => {
      const sub = randomUUID();
      const ada = await credentialsFor(userPool.idToken({ sub }));
      const unsigned = await call('DeleteIdentities', { IdentityIdsToDelete: [ada.identityId] });
      expect(unsigned.response.status).to.equal(403);
      expect(unsigned.body.__type).to.equal('MissingAuthenticationTokenException');
      const stranger = admin({ accessKeyId: 'AKIASTRANGER00000001', secretAccessKey: 'x' });
      const error = await stranger
        .send(new DeleteIdentitiesCommand({ IdentityIdsToDelete: [ada.identityId as string] }))
        .catch((e: Error) => e);
      expect((error as Error).name).to.equal('UnrecognizedClientException');
      expect((await credentialsFor(userPool.idToken({ sub }))).identityId).to.equal(ada.identityId);
    });
  });

  describe('refuses, in AWS JSON 1.1 error shape,', () => {
    const getId = (token: string, provider = PROVIDER) => ({
      IdentityPoolId: IDENTITY_POOL_ID,
      Logins: { [provider]: token },
    });
    const invalid = 'NotAuthorizedException';

    it('guests (no Logins, or empty Logins)', async () => {
      const message = 'Unauthenticated access is not supported for this identity pool.';
      await expectRefused('GetId', { IdentityPoolId: IDENTITY_POOL_ID }, invalid, message);
      await expectRefused('GetId', { IdentityPoolId: IDENTITY_POOL_ID, Logins: {} }, invalid, message);
    });

    it('a token signed by a key outside the JWKS', async () => {
      const token = userPool.idToken({}, userPool.foreignKey);
      await expectRefused('GetId', getId(token), invalid, 'Invalid login token. Token signature invalid.');
    });

    it('a token whose payload was altered after signing', async () => {
      const [header, , signature] = userPool.idToken().split('.');
      const payload = Buffer.from(JSON.stringify({ sub: 'someone-else' })).toString('base64url');
      await expectRefused(
        'GetId',
        getId(`${header}.${payload}.${signature}`),
        invalid,
        /^Invalid login token\./,
      );
    });

    it('an expired token', async () => {
      const token = userPool.idToken({ exp: Math.floor(Date.now() / 1000) - 60 });
      await expectRefused('GetId', getId(token), invalid, /^Invalid login token\. Token expired: /);
    });

    it('a token of another issuer', async () => {
      const token = userPool.idToken({ iss: `https://cognito-idp.${REGION}.amazonaws.com/${REGION}_Other` });
      await expectRefused(
        'GetId',
        getId(token),
        invalid,
        "Invalid login token. Issuer doesn't match providerName",
      );
    });

    it('a token for another app client, or an access token', async () => {
      const audience = 'Invalid login token. Incorrect token audience.';
      await expectRefused('GetId', getId(userPool.idToken({ aud: 'another-client' })), invalid, audience);
      const access = userPool.idToken({ aud: undefined, token_use: 'access', client_id: userPool.clientId });
      await expectRefused('GetId', getId(access), invalid, audience);
    });

    it('a login under another provider name', async () => {
      const token = userPool.idToken();
      const message = 'Token is not from a supported provider of this identity pool.';
      await expectRefused('GetId', getId(token, 'accounts.google.com'), invalid, message);
      await expectRefused('GetId', getId(token, `127.0.0.1:4280/${USER_POOL_ID}`), invalid, message);
    });

    it('a token that is not a JWT', async () => {
      await expectRefused('GetId', getId('not-a-jwt'), invalid, /^Invalid login token\./);
    });

    it('another identity pool', async () => {
      const body = { ...getId(userPool.idToken()), IdentityPoolId: `${REGION}:${randomUUID()}` };
      await expectRefused('GetId', body, 'ResourceNotFoundException', /^IdentityPool '.*' not found\.$/);
    });

    it('credentials for another user’s identity', async () => {
      const ada = await credentialsFor(userPool.idToken());
      const body = { IdentityId: ada.identityId, Logins: { [PROVIDER]: userPool.idToken() } };
      await expectRefused(
        'GetCredentialsForIdentity',
        body,
        invalid,
        "Logins don't match. Please include at least one valid login for this identity or identity pool.",
      );
    });

    it('credentials for an identity that does not exist', async () => {
      const body = { IdentityId: `${REGION}:${randomUUID()}`, Logins: { [PROVIDER]: userPool.idToken() } };
      await expectRefused('GetCredentialsForIdentity', body, 'ResourceNotFoundException', /not found\.$/);
    });

    it('malformed ids, bodies and operations', async () => {
      await expectRefused('GetId', { IdentityPoolId: 'nope' }, 'ValidationException', /identityPoolId/);
      await expectRefused('GetId', { IdentityPoolId: 7 }, 'SerializationException', /identityPoolId/);
      await expectRefused('GetId', '{', 'SerializationException', 'The request body is not valid JSON.');
      await expectRefused('GetId', '[]', 'SerializationException', /JSON object/);
      await expectRefused(
        'GetId',
        { IdentityPoolId: IDENTITY_POOL_ID, Logins: [] },
        'SerializationException',
        /Logins/,
      );
      await expectRefused('GetOpenIdToken', {}, 'UnknownOperationException', 'Unknown operation.');
      await expectRefused('toString', {}, 'UnknownOperationException', 'Unknown operation.');
    });
  });
});
