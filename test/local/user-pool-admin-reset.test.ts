import {
  AdminCreateUserCommand,
  AdminDisableUserCommand,
  AdminGetUserCommand,
  AdminListUserAuthEventsCommand,
  AdminResetUserPasswordCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { expect } from 'chai';
import { confirmPassword, jsUser, signIn } from '../support/cognito-js';
import { POOL_ID, startUserPool, type TestUserPool } from '../support/user-pool-server';

/** The rejection of a call, by name (SDK) or code (amazon-cognito-identity-js). */
async function failure(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    return (error as { code?: string }).code ?? (error as Error).name;
  }
  throw new Error('expected a failure');
}

describe('user pool stand-in, AdminResetUserPassword and AdminListUserAuthEvents', () => {
  let up: TestUserPool;
  before(async () => {
    up = await startUserPool();
  });
  after(() => up.stop());

  it('stops the password, mails a code, and the user chooses a new password with it', async () => {
    await up.createConfirmedUser('reset@example.com', 'Old-Password-1');
    await up.admin.send(
      new AdminResetUserPasswordCommand({ UserPoolId: POOL_ID, Username: 'reset@example.com' }),
    );
    const user = await up.admin.send(
      new AdminGetUserCommand({ UserPoolId: POOL_ID, Username: 'reset@example.com' }),
    );
    expect(user.UserStatus).to.equal('RESET_REQUIRED');
    expect(await failure(signIn(jsUser(up.endpoint, 'reset@example.com'), 'Old-Password-1'))).to.equal(
      'PasswordResetRequiredException',
    );
    const line = up.logs.find((l) => l.startsWith('user-pool: password reset code for reset@example.com: '));
    const code = line?.split(': ').at(-1) ?? '';
    expect(code).to.match(/^\d{6}$/);
    await confirmPassword(jsUser(up.endpoint, 'reset@example.com'), code, 'New-Password-1');
    expect((await signIn(jsUser(up.endpoint, 'reset@example.com'), 'New-Password-1')).kind).to.equal(
      'session',
    );
  });

  it('refuses a user who never signed in, a disabled one and an unknown one, as Cognito does', async () => {
    await up.admin.send(
      new AdminCreateUserCommand({
        UserPoolId: POOL_ID,
        Username: 'invited@example.com',
        MessageAction: 'SUPPRESS',
        UserAttributes: [{ Name: 'email_verified', Value: 'true' }],
      }),
    );
    const reset = (Username: string) =>
      up.admin.send(new AdminResetUserPasswordCommand({ UserPoolId: POOL_ID, Username }));
    expect(await failure(reset('invited@example.com'))).to.equal('NotAuthorizedException');
    await up.createConfirmedUser('off@example.com', 'Old-Password-1');
    await up.admin.send(new AdminDisableUserCommand({ UserPoolId: POOL_ID, Username: 'off@example.com' }));
    expect(await failure(reset('off@example.com'))).to.equal('NotAuthorizedException');
    expect(await failure(reset('nobody@example.com'))).to.equal('UserNotFoundException');
  });

  it('keeps no sign-in events: the stack turns on no threat protection', async () => {
    await up.createConfirmedUser('events@example.com', 'Events-Password-1');
    expect(
      await failure(
        up.admin.send(
          new AdminListUserAuthEventsCommand({ UserPoolId: POOL_ID, Username: 'events@example.com' }),
        ),
      ),
    ).to.equal('UserPoolAddOnNotEnabledException');
  });
});
