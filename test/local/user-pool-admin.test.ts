import {
  AdminCreateUserCommand,
  AdminDeleteUserCommand,
  AdminDisableUserCommand,
  AdminEnableUserCommand,
  AdminGetUserCommand,
  AdminSetUserPasswordCommand,
  CognitoIdentityProviderClient,
  ListUsersCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { expect } from 'chai';
import {
  ADMIN,
  callRaw,
  POOL_ID,
  REGION,
  sdkRefusal,
  startUserPool,
  type TestUserPool,
} from '../support/user-pool-server';

describe('user pool stand-in, admin calls with the AWS SDK v3', () => {
  let up: TestUserPool;
  before(async () => {
    up = await startUserPool();
  });
  after(() => up.stop());

  it('creates a user with a temporary password, silently with MessageAction SUPPRESS', async () => {
    const { User } = await up.admin.send(
      new AdminCreateUserCommand({
        UserPoolId: POOL_ID,
        Username: 'Frank@Example.com',
        TemporaryPassword: 'Temporary-Pass-1',
        MessageAction: 'SUPPRESS',
      }),
    );
    expect(User?.Username).to.match(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(User).to.deep.include({ Enabled: true, UserStatus: 'FORCE_CHANGE_PASSWORD' });
    expect(User?.Attributes).to.deep.include({ Name: 'email', Value: 'Frank@Example.com' });
    expect(User?.UserCreateDate).to.be.instanceOf(Date);
    expect(up.logs.filter((line) => line.includes('invitation'))).to.deep.equal([]);
  });

  it('prints the invitation without SUPPRESS, with the temporary password, as the local mailbox', async () => {
    await up.admin.send(
      new AdminCreateUserCommand({
        UserPoolId: POOL_ID,
        Username: 'gina@example.com',
        TemporaryPassword: 'Temporary-Pass-1',
      }),
    );
    const lines = up.logs.filter((line) => line.includes('gina@example.com'));
    expect(lines).to.deep.equal([
      'user-pool: invitation for gina@example.com (printed, not mailed): temporary password Temporary-Pass-1',
    ]);
  });

  it('refuses a second account for the same email, in any case', async () => {
    const error = await sdkRefusal(
      up.admin.send(
        new AdminCreateUserCommand({
          UserPoolId: POOL_ID,
          Username: 'frank@example.COM',
          MessageAction: 'SUPPRESS',
        }),
      ),
    );
    expect(error).to.deep.equal({
      name: 'UsernameExistsException',
      message: 'An account with the given email already exists.',
      status: 400,
    });
  });

  it('refuses a username that is not an email, and a password outside the policy', async () => {
    expect(
      await sdkRefusal(
        up.admin.send(
          new AdminCreateUserCommand({ UserPoolId: POOL_ID, Username: 'frank', MessageAction: 'SUPPRESS' }),
        ),
      ),
    ).to.deep.equal({
      name: 'InvalidParameterException',
      message: 'Username should be an email.',
      status: 400,
    });
    const weak = [
      ['short-A1!', 'Password not long enough'],
      ['no-upper-case-1!', 'Password must have uppercase characters'],
      ['NO-LOWER-CASE-1!', 'Password must have lowercase characters'],
      ['No-Numbers-Here!', 'Password must have numeric characters'],
      ['NoSymbols12345', 'Password must have symbol characters'],
    ];
    for (const [password, rule] of weak) {
      const error = await sdkRefusal(
        up.admin.send(
          new AdminSetUserPasswordCommand({
            UserPoolId: POOL_ID,
            Username: 'frank@example.com',
            Password: password,
            Permanent: true,
          }),
        ),
      );
      expect(error).to.deep.equal({
        name: 'InvalidPasswordException',
        message: `Password did not conform with policy: ${rule}`,
        status: 400,
      });
    }
  });

  it('sets a permanent password, gets, disables, enables and deletes a user', async () => {
    const named = { UserPoolId: POOL_ID, Username: 'frank@example.com' };
    await up.admin.send(
      new AdminSetUserPasswordCommand({ ...named, Password: 'Franks-Own-Pass-1', Permanent: true }),
    );
    const got = await up.admin.send(new AdminGetUserCommand(named));
    expect(got).to.deep.include({ Enabled: true, UserStatus: 'CONFIRMED' });
    expect(got.UserAttributes?.map((a) => a.Name).sort()).to.deep.equal(['email', 'email_verified', 'sub']);
    const byUsername = await up.admin.send(
      new AdminGetUserCommand({ UserPoolId: POOL_ID, Username: got.Username }),
    );
    expect(byUsername.Username).to.equal(got.Username);

    await up.admin.send(new AdminDisableUserCommand(named));
    expect((await up.admin.send(new AdminGetUserCommand(named))).Enabled).to.equal(false);
    await up.admin.send(new AdminEnableUserCommand(named));
    expect((await up.admin.send(new AdminGetUserCommand(named))).Enabled).to.equal(true);
    await up.admin.send(new AdminDeleteUserCommand(named));
    expect(await sdkRefusal(up.admin.send(new AdminGetUserCommand(named)))).to.deep.equal({
      name: 'UserNotFoundException',
      message: 'User does not exist.',
      status: 400,
    });
  });

  it('lists users, filtered by email (any case) or email prefix, page by page', async () => {
    for (const name of ['hana', 'ivan', 'jack']) {
      await up.admin.send(
        new AdminCreateUserCommand({
          UserPoolId: POOL_ID,
          Username: `list-${name}@example.com`,
          MessageAction: 'SUPPRESS',
        }),
      );
    }
    const emails = (users: { Attributes?: { Name?: string; Value?: string }[] }[] = []) =>
      users.map((u) => u.Attributes?.find((a) => a.Name === 'email')?.Value);

    const exact = await up.admin.send(
      new ListUsersCommand({ UserPoolId: POOL_ID, Filter: 'email = "LIST-IVAN@example.com"' }),
    );
    expect(emails(exact.Users)).to.deep.equal(['list-ivan@example.com']);
    const none = await up.admin.send(
      new ListUsersCommand({ UserPoolId: POOL_ID, Filter: 'email = "nobody@example.com"' }),
    );
    expect(none.Users).to.deep.equal([]);

    const first = await up.admin.send(
      new ListUsersCommand({ UserPoolId: POOL_ID, Filter: 'email ^= "list-"', Limit: 2 }),
    );
    expect(first.PaginationToken).to.be.a('string');
    const second = await up.admin.send(
      new ListUsersCommand({
        UserPoolId: POOL_ID,
        Filter: 'email ^= "list-"',
        Limit: 2,
        PaginationToken: first.PaginationToken,
      }),
    );
    expect(second.PaginationToken).to.equal(undefined);
    expect([...emails(first.Users), ...emails(second.Users)]).to.deep.equal([
      'list-hana@example.com',
      'list-ivan@example.com',
      'list-jack@example.com',
    ]);

    expect(
      await sdkRefusal(up.admin.send(new ListUsersCommand({ UserPoolId: POOL_ID, Filter: 'email == x' }))),
    ).to.deep.equal({
      name: 'InvalidParameterException',
      message: 'Error while parsing filter.',
      status: 400,
    });
  });

  it('answers a wrong pool id with ResourceNotFoundException', async () => {
    const error = await sdkRefusal(
      up.admin.send(
        new AdminGetUserCommand({ UserPoolId: 'eu-west-1_Other', Username: 'list-hana@example.com' }),
      ),
    );
    expect(error).to.deep.equal({
      name: 'ResourceNotFoundException',
      message: 'User pool eu-west-1_Other does not exist.',
      status: 400,
    });
  });

  it('refuses admin calls that are unsigned, signed with a wrong secret or by an unknown key', async () => {
    const unsigned = await callRaw(up.endpoint, 'AdminGetUser', {
      UserPoolId: POOL_ID,
      Username: 'list-hana@example.com',
    });
    expect(unsigned.status).to.equal(403);
    expect(unsigned.json.__type).to.equal('MissingAuthenticationTokenException');

    const client = (credentials: { accessKeyId: string; secretAccessKey: string }) =>
      new CognitoIdentityProviderClient({
        endpoint: up.endpoint,
        region: REGION,
        credentials,
        maxAttempts: 1,
      });
    const wrongSecret = client({ ...ADMIN, secretAccessKey: 'not-the-secret' });
    const unknownKey = client({
      accessKeyId: 'AKIASOMEONEELSE00001',
      secretAccessKey: ADMIN.secretAccessKey,
    });
    const command = new AdminGetUserCommand({ UserPoolId: POOL_ID, Username: 'list-hana@example.com' });
    expect((await sdkRefusal(wrongSecret.send(command))).name).to.equal('InvalidSignatureException');
    expect((await sdkRefusal(unknownKey.send(command))).name).to.equal('UnrecognizedClientException');
    wrongSecret.destroy();
    unknownKey.destroy();
  });
});
