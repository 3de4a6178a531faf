import { AdminCreateUserCommand } from '@aws-sdk/client-cognito-identity-provider';
import { Amplify } from 'aws-amplify';
import { confirmSignIn, fetchAuthSession, getCurrentUser, signIn, signOut } from 'aws-amplify/auth';
import { expect } from 'chai';
import { CLIENT_ID, POOL_ID, startUserPool, type TestUserPool } from '../support/user-pool-server';

describe('user pool stand-in with Amplify v6 (aws-amplify Auth)', () => {
  let up: TestUserPool;
  before(async () => {
    up = await startUserPool();
    Amplify.configure({
      Auth: { Cognito: { userPoolId: POOL_ID, userPoolClientId: CLIENT_ID, userPoolEndpoint: up.endpoint } },
    });
  });
  after(() => up.stop());

  it('signs in with SRP, sets the first password, refreshes and signs out', async () => {
    await up.admin.send(
      new AdminCreateUserCommand({
        UserPoolId: POOL_ID,
        Username: 'amp@example.com',
        TemporaryPassword: 'Temporary-Pass-1',
        MessageAction: 'SUPPRESS',
        UserAttributes: [{ Name: 'email_verified', Value: 'true' }],
      }),
    );
    const first = await signIn({ username: 'amp@example.com', password: 'Temporary-Pass-1' });
    expect(first.nextStep.signInStep).to.equal('CONFIRM_SIGN_IN_WITH_NEW_PASSWORD_REQUIRED');
    const done = await confirmSignIn({ challengeResponse: 'Amplify-Own-Pass-1' });
    expect(done.isSignedIn).to.equal(true);

    const session = await fetchAuthSession();
    expect(session.tokens?.idToken?.payload.email).to.equal('amp@example.com');
    const refreshed = await fetchAuthSession({ forceRefresh: true });
    expect(refreshed.tokens?.accessToken.toString()).to.not.equal(session.tokens?.accessToken.toString());
    expect((await getCurrentUser()).signInDetails?.loginId).to.equal('amp@example.com');

    await signOut();
    expect((await fetchAuthSession()).tokens).to.equal(undefined);
    // Amplify v6 refreshes and signs out with these two calls, not with InitiateAuth.
    expect(up.logs).to.include.members([
      'user-pool: GetTokensFromRefreshToken 200',
      'user-pool: RevokeToken 200',
    ]);
    const again = await signIn({ username: 'amp@example.com', password: 'Amplify-Own-Pass-1' });
    expect(again.isSignedIn).to.equal(true);
    await signOut();
  });

  it("reports a wrong password with Cognito's error name", async () => {
    try {
      await signIn({ username: 'amp@example.com', password: 'Wrong-Pass-123!' });
      expect.fail('signed in with a wrong password');
    } catch (error) {
      expect(error).to.include({
        name: 'NotAuthorizedException',
        message: 'Incorrect username or password.',
      });
    }
  });
});
