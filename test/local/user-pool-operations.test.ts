import * as sdk from '@aws-sdk/client-cognito-identity-provider';
import {
  AssociateSoftwareTokenCommand,
  CognitoIdentityProviderClient,
  ConfirmSignUpCommand,
  DeleteUserAttributesCommand,
  DeleteUserCommand,
  GetUserCommand,
  ListDevicesCommand,
  ResendConfirmationCodeCommand,
  SetUserMFAPreferenceCommand,
  UpdateAuthEventFeedbackCommand,
  UpdateUserAttributesCommand,
  VerifySoftwareTokenCommand,
  VerifyUserAttributeCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { AuthenticationDetails, type CognitoUser, type CognitoUserSession } from 'amazon-cognito-identity-js';
import { expect } from 'chai';
import { IAM_OPERATIONS, UNSIGNED_OPERATIONS } from '../../local/user-pool/api-operations';
import { stepAt, totpCode } from '../../local/user-pool/totp';
import { jsUser, signIn } from '../support/cognito-js';
import {
  CLIENT_ID,
  callRaw,
  POOL_ID,
  REGION,
  startUserPool,
  type TestUserPool,
} from '../support/user-pool-server';

const PASSWORD = 'Correct-Horse-Battery-1!';

/** The SDK's error for a call, or a failure when the call succeeded. */
async function refusal(
  promise: Promise<unknown>,
): Promise<{ name: string; message: string; status?: number }> {
  try {
    await promise;
  } catch (error) {
    const e = error as Error & { $metadata?: { httpStatusCode?: number } };
    return { name: e.name, message: e.message, status: e.$metadata?.httpStatusCode };
  }
  throw new Error('expected the call to be refused');
}

/** Signs in through amazon-cognito-identity-js, answering SOFTWARE_TOKEN_MFA with `code()` when asked. */
function signInWithTotp(user: CognitoUser, code: () => string): Promise<CognitoUserSession> {
  return new Promise((resolve, reject) => {
    user.authenticateUser(new AuthenticationDetails({ Username: user.getUsername(), Password: PASSWORD }), {
      onSuccess: resolve,
      onFailure: reject,
      totpRequired: () =>
        user.sendMFACode(code(), { onSuccess: resolve, onFailure: reject }, 'SOFTWARE_TOKEN_MFA'),
    });
  });
}

describe('user pool stand-in: every operation a browser may call', () => {
  let up: TestUserPool;
  // A browser's client: no AWS credentials at all, so a call that needed a signature would fail in the SDK.
  let browser: CognitoIdentityProviderClient;
  before(async () => {
    up = await startUserPool();
    browser = new CognitoIdentityProviderClient({
      endpoint: up.endpoint,
      region: REGION,
      credentials: () => Promise.reject(new Error('a browser has no AWS credentials')),
    });
  });
  after(async () => {
    browser.destroy();
    await up.stop();
  });

  async function accessToken(email: string): Promise<string> {
    await up.createConfirmedUser(email, PASSWORD);
    const outcome = await signIn(jsUser(up.endpoint, email), PASSWORD);
    if (outcome.kind !== 'session') throw new Error('expected a session');
    return outcome.session.getAccessToken().getJwtToken();
  }

  it("knows the API's operations as the installed SDK does, unsigned ones apart", async () => {
    const commands = Object.keys(sdk)
      .filter((name) => /^[A-Z][A-Za-z]+Command$/.test(name))
      .map((name) => name.slice(0, -'Command'.length));
    expect([...UNSIGNED_OPERATIONS, ...IAM_OPERATIONS].sort()).to.deep.equal(commands.sort());
    // Each unsigned one goes out without credentials and reaches the pool, which answers it (mostly refusing
    // the empty input): none is refused for lack of a signature.
    for (const name of UNSIGNED_OPERATIONS) {
      const Command = (sdk as unknown as Record<string, new (input: object) => sdk.GetUserCommand>)[
        `${name}Command`
      ];
      const answer = await browser.send(new Command({})).then(
        () => 'ok',
        (error: Error) => `${error.name}: ${error.message}`,
      );
      expect(answer, name).to.not.match(
        /^MissingAuthenticationToken|no AWS credentials|Credential is missing/,
      );
    }
  });

  it('answers ConfirmSignUp and ResendConfirmationCode as for a pool whose users administrators create', async () => {
    await up.createConfirmedUser('confirmed@example.com', PASSWORD);
    const known = await refusal(
      browser.send(
        new ConfirmSignUpCommand({
          ClientId: CLIENT_ID,
          Username: 'confirmed@example.com',
          ConfirmationCode: '1',
        }),
      ),
    );
    expect(known).to.deep.equal({
      name: 'NotAuthorizedException',
      message: 'User cannot be confirmed. Current status is CONFIRMED',
      status: 400,
    });
    const unknown = await refusal(
      browser.send(
        new ConfirmSignUpCommand({
          ClientId: CLIENT_ID,
          Username: 'nobody@example.com',
          ConfirmationCode: '1',
        }),
      ),
    );
    expect(unknown.name).to.equal('CodeMismatchException');
    const resendKnown = await refusal(
      browser.send(
        new ResendConfirmationCodeCommand({ ClientId: CLIENT_ID, Username: 'confirmed@example.com' }),
      ),
    );
    expect(resendKnown).to.include({
      name: 'InvalidParameterException',
      message: 'User is already confirmed.',
    });
    const resendUnknown = await browser.send(
      new ResendConfirmationCodeCommand({ ClientId: CLIENT_ID, Username: 'nobody@example.com' }),
    );
    expect(resendUnknown.CodeDeliveryDetails).to.deep.equal({
      Destination: 'n***@e***',
      DeliveryMedium: 'EMAIL',
      AttributeName: 'email',
    });
    const otherClient = await refusal(
      browser.send(
        new ResendConfirmationCodeCommand({ ClientId: 'not-our-client', Username: 'a@example.com' }),
      ),
    );
    expect(otherClient.name).to.equal('ResourceNotFoundException');
  });

  it('refuses threat-protection feedback: the pool has no threat protection', async () => {
    const answer = await refusal(
      browser.send(
        new UpdateAuthEventFeedbackCommand({
          UserPoolId: POOL_ID,
          Username: 'a@example.com',
          EventId: 'e1',
          FeedbackToken: 't',
          FeedbackValue: 'Valid',
        }),
      ),
    );
    expect(answer.name).to.equal('UserPoolAddOnNotEnabledException');
  });

  it('lists no devices (no device tracking) and deletes the signed-in user', async () => {
    const token = await accessToken('leaving@example.com');
    expect((await browser.send(new ListDevicesCommand({ AccessToken: token }))).Devices).to.deep.equal([]);
    await browser.send(new DeleteUserCommand({ AccessToken: token }));
    const after = await refusal(browser.send(new GetUserCommand({ AccessToken: token })));
    expect(after.name).to.equal('NotAuthorizedException');
    expect(await refusal(signIn(jsUser(up.endpoint, 'leaving@example.com'), PASSWORD))).to.include({
      name: 'NotAuthorizedException',
      message: 'Incorrect username or password.',
    });
  });

  it('sets up TOTP and then asks for a code at every sign-in, each code once', async () => {
    const token = await accessToken('totp@example.com');
    const noToken = await refusal(
      browser.send(
        new SetUserMFAPreferenceCommand({ AccessToken: token, SoftwareTokenMfaSettings: { Enabled: true } }),
      ),
    );
    expect(noToken).to.include({
      name: 'InvalidParameterException',
      message: 'User has not verified software token mfa',
    });
    const { SecretCode: secret } = await browser.send(
      new AssociateSoftwareTokenCommand({ AccessToken: token }),
    );
    expect(secret).to.match(/^[A-Z2-7]{52}$/);
    const secretCode = secret ?? '';
    const now = stepAt(Date.now());
    const wrong = totpCode(secretCode, now) === '000000' ? '111111' : '000000';
    const mismatch = await refusal(
      browser.send(new VerifySoftwareTokenCommand({ AccessToken: token, UserCode: wrong })),
    );
    expect(mismatch).to.include({ name: 'EnableSoftwareTokenMFAException', message: 'Code mismatch' });
    const verified = await browser.send(
      new VerifySoftwareTokenCommand({ AccessToken: token, UserCode: totpCode(secretCode, now) }),
    );
    expect(verified.Status).to.equal('SUCCESS');
    await browser.send(
      new SetUserMFAPreferenceCommand({
        AccessToken: token,
        SoftwareTokenMfaSettings: { Enabled: true, PreferredMfa: true },
      }),
    );
    const user = await browser.send(new GetUserCommand({ AccessToken: token }));
    expect(user.UserMFASettingList).to.deep.equal(['SOFTWARE_TOKEN_MFA']);
    expect(user.PreferredMfaSetting).to.equal('SOFTWARE_TOKEN_MFA');
    const asAdmin = await up.admin.send(
      new sdk.AdminGetUserCommand({ UserPoolId: POOL_ID, Username: 'totp@example.com' }),
    );
    expect(asAdmin.UserMFASettingList).to.deep.equal(['SOFTWARE_TOKEN_MFA']);

    // The code the verification used is spent: the next sign-in needs the next step's.
    const replay = await refusal(
      signInWithTotp(jsUser(up.endpoint, 'totp@example.com'), () => totpCode(secretCode, now)),
    );
    expect(replay).to.include({ name: 'CodeMismatchException', message: 'Invalid code received for user' });
    const session = await signInWithTotp(jsUser(up.endpoint, 'totp@example.com'), () =>
      totpCode(secretCode, now + 1),
    );
    expect(session.isValid()).to.equal(true);
  });

  it('changes the e-mail only once the code sent to the new address is confirmed', async () => {
    const token = await accessToken('old@example.com');
    await up.createConfirmedUser('taken@example.com', PASSWORD);
    const other = await refusal(
      browser.send(
        new UpdateUserAttributesCommand({
          AccessToken: token,
          UserAttributes: [{ Name: 'name', Value: 'x' }],
        }),
      ),
    );
    expect(other).to.include({
      name: 'NotAuthorizedException',
      message: 'A client attempted to write unauthorized attribute',
    });
    const taken = await refusal(
      browser.send(
        new UpdateUserAttributesCommand({
          AccessToken: token,
          UserAttributes: [{ Name: 'email', Value: 'TAKEN@example.com' }],
        }),
      ),
    );
    expect(taken.name).to.equal('AliasExistsException');
    const update = await browser.send(
      new UpdateUserAttributesCommand({
        AccessToken: token,
        UserAttributes: [{ Name: 'email', Value: 'new@example.com' }],
      }),
    );
    expect(update.CodeDeliveryDetailsList).to.deep.equal([
      { Destination: 'n***@e***', DeliveryMedium: 'EMAIL', AttributeName: 'email' },
    ]);
    const emailOf = async () =>
      (await browser.send(new GetUserCommand({ AccessToken: token }))).UserAttributes?.find(
        (a) => a.Name === 'email',
      )?.Value;
    // Until confirmed, the old address is still the account's (and signs in).
    expect(await emailOf()).to.equal('old@example.com');
    const line = up.logs.findLast((l) => l.includes('verification code for new@example.com')) ?? '';
    const code = /: (\d{6})$/.exec(line)?.[1] ?? '';
    expect(code).to.match(/^\d{6}$/);
    const wrongCode = code === '000000' ? '111111' : '000000';
    const mismatch = await refusal(
      browser.send(
        new VerifyUserAttributeCommand({ AccessToken: token, AttributeName: 'email', Code: wrongCode }),
      ),
    );
    expect(mismatch.name).to.equal('CodeMismatchException');
    await browser.send(
      new VerifyUserAttributeCommand({ AccessToken: token, AttributeName: 'email', Code: code }),
    );
    expect(await emailOf()).to.equal('new@example.com');
    const signedIn = await signIn(jsUser(up.endpoint, 'new@example.com'), PASSWORD);
    expect(signedIn.kind).to.equal('session');
    expect((await refusal(signIn(jsUser(up.endpoint, 'old@example.com'), PASSWORD))).name).to.equal(
      'NotAuthorizedException',
    );
  });

  it('refuses an IAM operation sent unsigned, and names what the stand-in lacks and what Cognito does not know', async () => {
    const unsigned = await callRaw(up.endpoint, 'AddCustomAttributes', { UserPoolId: POOL_ID });
    expect(unsigned.json.__type).to.equal('MissingAuthenticationTokenException');
    expect(unsigned.status).to.equal(403);
    const signed = await refusal(
      up.admin.send(new sdk.AddCustomAttributesCommand({ UserPoolId: POOL_ID, CustomAttributes: [] })),
    );
    expect(signed).to.deep.equal({
      name: 'UnknownOperationException',
      message: 'AddCustomAttributes is not available in the local user pool stand-in (docs/local-mode.md).',
      status: 400,
    });
    const lacking = await refusal(
      browser.send(new DeleteUserAttributesCommand({ AccessToken: 'x', UserAttributeNames: ['email'] })),
    );
    expect(lacking.name).to.equal('UnknownOperationException');
    expect(lacking.message).to.contain('DeleteUserAttributes is not available');
    const unknown = await callRaw(up.endpoint, 'MakeCoffee', {});
    expect(unknown.json).to.deep.equal({
      __type: 'UnknownOperationException',
      message: 'The requested operation is not recognized.',
    });
  });
});
