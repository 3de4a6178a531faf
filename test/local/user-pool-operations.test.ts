import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as sdk from '@aws-sdk/client-cognito-identity-provider';
import {
  AssociateSoftwareTokenCommand,
  CognitoIdentityProviderClient,
  CompleteWebAuthnRegistrationCommand,
  ConfirmDeviceCommand,
  ConfirmSignUpCommand,
  DeleteUserAttributesCommand,
  DeleteUserCommand,
  DeleteWebAuthnCredentialCommand,
  ForgetDeviceCommand,
  GetDeviceCommand,
  GetUserAuthFactorsCommand,
  GetUserCommand,
  ListDevicesCommand,
  ListUserSessionsCommand,
  ListWebAuthnCredentialsCommand,
  ResendConfirmationCodeCommand,
  RevokeUserSessionCommand,
  SetUserMFAPreferenceCommand,
  SetUserSettingsCommand,
  StartWebAuthnRegistrationCommand,
  UpdateAuthEventFeedbackCommand,
  UpdateDeviceStatusCommand,
  UpdateUserAttributesCommand,
  VerifySoftwareTokenCommand,
  VerifyUserAttributeCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { AuthenticationDetails, type CognitoUser, type CognitoUserSession } from 'amazon-cognito-identity-js';
import { expect } from 'chai';
import { IAM_OPERATIONS, UNSIGNED_OPERATIONS } from '../../local/user-pool/api-operations';
import { operations } from '../../local/user-pool/operations';
import { stepAt, totpCode } from '../../local/user-pool/totp';
import { jsUser, signIn } from '../support/cognito-js';
import {
  CLIENT_ID,
  callRaw,
  POOL_ID,
  REGION,
  sdkRefusal,
  startUserPool,
  type TestUserPool,
} from '../support/user-pool-server';

const PASSWORD = 'Correct-Horse-Battery-1!';

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

  it("knows the API's operations as the installed SDK does, and answers every unsigned one itself", async () => {
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
      // And the stand-in has every one of them: none is on the path of an operation it lacks.
      expect(answer, name).to.not.match(/^UnknownOperationException|not available in the local user pool/);
    }
  });

  it('answers ConfirmSignUp and ResendConfirmationCode as for a pool whose users administrators create', async () => {
    await up.createConfirmedUser('confirmed@example.com', PASSWORD);
    const known = await sdkRefusal(
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
    const unknown = await sdkRefusal(
      browser.send(
        new ConfirmSignUpCommand({
          ClientId: CLIENT_ID,
          Username: 'nobody@example.com',
          ConfirmationCode: '1',
        }),
      ),
    );
    expect(unknown.name).to.equal('CodeMismatchException');
    const resendKnown = await sdkRefusal(
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
    const otherClient = await sdkRefusal(
      browser.send(
        new ResendConfirmationCodeCommand({ ClientId: 'not-our-client', Username: 'a@example.com' }),
      ),
    );
    expect(otherClient.name).to.equal('ResourceNotFoundException');
  });

  it('refuses threat-protection feedback: the pool has no threat protection', async () => {
    const answer = await sdkRefusal(
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
    const after = await sdkRefusal(browser.send(new GetUserCommand({ AccessToken: token })));
    expect(after.name).to.equal('NotAuthorizedException');
    expect(await sdkRefusal(signIn(jsUser(up.endpoint, 'leaving@example.com'), PASSWORD))).to.include({
      name: 'NotAuthorizedException',
      message: 'Incorrect username or password.',
    });
  });

  it('sets up TOTP and then asks for a code at every sign-in, each code once', async () => {
    const token = await accessToken('totp@example.com');
    const noToken = await sdkRefusal(
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
    const mismatch = await sdkRefusal(
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
    const replay = await sdkRefusal(
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
    const other = await sdkRefusal(
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
    const unknown = await sdkRefusal(
      browser.send(
        new UpdateUserAttributesCommand({
          AccessToken: token,
          UserAttributes: [{ Name: 'custom:team', Value: 'x' }],
        }),
      ),
    );
    expect(unknown).to.include({
      name: 'InvalidParameterException',
      message: 'user.custom:team: Attribute does not exist in the schema.',
    });
    const taken = await sdkRefusal(
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
    const mismatch = await sdkRefusal(
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
    expect((await sdkRefusal(signIn(jsUser(up.endpoint, 'old@example.com'), PASSWORD))).name).to.equal(
      'NotAuthorizedException',
    );
  });

  it('names the sign-in factors a user has: a password, and TOTP once it is on', async () => {
    const token = await accessToken('factors@example.com');
    const before = await browser.send(new GetUserAuthFactorsCommand({ AccessToken: token }));
    const { Username } = await browser.send(new GetUserCommand({ AccessToken: token }));
    expect(before).to.include({ Username });
    expect(before.ConfiguredUserAuthFactors).to.deep.equal(['PASSWORD']);
    expect(before.UserMFASettingList).to.equal(undefined);
    const { SecretCode } = await browser.send(new AssociateSoftwareTokenCommand({ AccessToken: token }));
    await browser.send(
      new VerifySoftwareTokenCommand({
        AccessToken: token,
        UserCode: totpCode(SecretCode ?? '', stepAt(Date.now())),
      }),
    );
    await browser.send(
      new SetUserMFAPreferenceCommand({
        AccessToken: token,
        SoftwareTokenMfaSettings: { Enabled: true, PreferredMfa: true },
      }),
    );
    const after = await browser.send(new GetUserAuthFactorsCommand({ AccessToken: token }));
    expect(after.ConfiguredUserAuthFactors).to.deep.equal(['PASSWORD', 'SOFTWARE_TOKEN']);
    expect(after.UserMFASettingList).to.deep.equal(['SOFTWARE_TOKEN_MFA']);
    expect(after.PreferredMfaSetting).to.equal('SOFTWARE_TOKEN_MFA');
    const invalid = await sdkRefusal(
      browser.send(new GetUserAuthFactorsCommand({ AccessToken: 'not.a.token' })),
    );
    expect(invalid).to.deep.equal({
      name: 'NotAuthorizedException',
      message: 'Invalid Access Token',
      status: 400,
    });
  });

  it('deletes no attribute: email is required, nothing else is writable, unknown names are not in the schema', async () => {
    const token = await accessToken('keeps-email@example.com');
    const remove = (names: string[]) =>
      sdkRefusal(
        browser.send(new DeleteUserAttributesCommand({ AccessToken: token, UserAttributeNames: names })),
      );
    expect(await remove(['email'])).to.deep.equal({
      name: 'InvalidParameterException',
      message: 'user.email: Required attribute cannot be deleted.',
      status: 400,
    });
    expect(await remove(['name'])).to.deep.equal({
      name: 'NotAuthorizedException',
      message: 'A client attempted to write unauthorized attribute',
      status: 400,
    });
    expect(await remove(['custom:team'])).to.deep.equal({
      name: 'InvalidParameterException',
      message: 'user.custom:team: Attribute does not exist in the schema.',
      status: 400,
    });
    await browser.send(new DeleteUserAttributesCommand({ AccessToken: token, UserAttributeNames: [] }));
    const user = await browser.send(new GetUserCommand({ AccessToken: token }));
    expect(user.UserAttributes?.find((a) => a.Name === 'email')?.Value).to.equal('keeps-email@example.com');
    const revoked = await sdkRefusal(
      browser.send(new DeleteUserAttributesCommand({ AccessToken: 'x.y.z', UserAttributeNames: ['email'] })),
    );
    expect(revoked.name).to.equal('NotAuthorizedException');
  });

  it('refuses SMS MFA options through SetUserSettings: the pool has no SMS and users no phone number', async () => {
    const token = await accessToken('settings@example.com');
    await browser.send(new SetUserSettingsCommand({ AccessToken: token, MFAOptions: [] }));
    const email = await sdkRefusal(
      browser.send(
        new SetUserSettingsCommand({
          AccessToken: token,
          MFAOptions: [{ DeliveryMedium: 'EMAIL', AttributeName: 'email' }],
        }),
      ),
    );
    expect(email).to.deep.equal({
      name: 'InvalidParameterException',
      message: 'Only phone_number attribute is currently supported as a MFA option.',
      status: 400,
    });
    const sms = await sdkRefusal(
      browser.send(
        new SetUserSettingsCommand({
          AccessToken: token,
          MFAOptions: [{ DeliveryMedium: 'SMS', AttributeName: 'phone_number' }],
        }),
      ),
    );
    expect(sms).to.include({ name: 'InvalidParameterException', status: 400 });
  });

  it('knows no device: the pool does not track devices', async () => {
    const token = await accessToken('devices@example.com');
    const DeviceKey = 'eu-west-1_0b3a6c1e-7f0d-4e1a-9c55-1d2e3f4a5b6c';
    const notFound = { name: 'ResourceNotFoundException', message: 'Device does not exist.', status: 400 };
    expect(
      await sdkRefusal(browser.send(new GetDeviceCommand({ AccessToken: token, DeviceKey }))),
    ).to.deep.equal(notFound);
    expect(
      await sdkRefusal(browser.send(new ForgetDeviceCommand({ AccessToken: token, DeviceKey }))),
    ).to.deep.equal(notFound);
    expect(
      await sdkRefusal(
        browser.send(
          new UpdateDeviceStatusCommand({
            AccessToken: token,
            DeviceKey,
            DeviceRememberedStatus: 'remembered',
          }),
        ),
      ),
    ).to.deep.equal(notFound);
    expect(
      await sdkRefusal(
        browser.send(
          new ConfirmDeviceCommand({
            AccessToken: token,
            DeviceKey,
            DeviceSecretVerifierConfig: { PasswordVerifier: 'dg==', Salt: 'cw==' },
          }),
        ),
      ),
    ).to.deep.equal({ name: 'InvalidParameterException', message: 'Invalid device key given.', status: 400 });
    // The access token is checked before the device key is looked up.
    const untokened = await sdkRefusal(browser.send(new GetDeviceCommand({ DeviceKey })));
    expect(untokened).to.include({ name: 'NotAuthorizedException', status: 400 });
    const malformed = await sdkRefusal(
      browser.send(new ForgetDeviceCommand({ AccessToken: token, DeviceKey: 'x' })),
    );
    expect(malformed).to.include({ name: 'InvalidParameterException', status: 400 });
  });

  it('refuses passkeys: the pool allows passwords only and has no relying party', async () => {
    const token = await accessToken('passkeys@example.com');
    const start = await sdkRefusal(
      browser.send(new StartWebAuthnRegistrationCommand({ AccessToken: token })),
    );
    expect(start).to.include({ name: 'WebAuthnNotEnabledException', status: 400 });
    const complete = await sdkRefusal(
      browser.send(new CompleteWebAuthnRegistrationCommand({ AccessToken: token, Credential: { id: 'c' } })),
    );
    expect(complete).to.include({ name: 'WebAuthnNotEnabledException', status: 400 });
    const listed = await browser.send(new ListWebAuthnCredentialsCommand({ AccessToken: token }));
    expect(listed.Credentials).to.deep.equal([]);
    const removed = await sdkRefusal(
      browser.send(new DeleteWebAuthnCredentialCommand({ AccessToken: token, CredentialId: 'c' })),
    );
    expect(removed).to.include({ name: 'ResourceNotFoundException', status: 400 });
    const invalid = await sdkRefusal(
      browser.send(new StartWebAuthnRegistrationCommand({ AccessToken: 'x.y.z' })),
    );
    expect(invalid.name).to.equal('NotAuthorizedException');
  });

  it('refuses session listing and revocation: the pool does not track sessions', async () => {
    const token = await accessToken('sessions@example.com');
    const listed = await sdkRefusal(browser.send(new ListUserSessionsCommand({ AccessToken: token })));
    expect(listed).to.include({ name: 'OperationNotEnabledException', status: 400 });
    const revoked = await sdkRefusal(
      browser.send(new RevokeUserSessionCommand({ AccessToken: token, SessionId: 'session-1' })),
    );
    expect(revoked).to.include({ name: 'OperationNotEnabledException', status: 400 });
    // The session is untouched.
    expect((await browser.send(new GetUserCommand({ AccessToken: token }))).Username).to.be.a('string');
  });

  it('serves every IAM operation lockbox itself calls (handlers, admin CLI, dev tools, local mode)', () => {
    const called = new Set<string>();
    for (const dir of ['handlers', 'scripts', 'devtools', 'local']) {
      for (const file of readdirSync(dir, { recursive: true, encoding: 'utf8' })) {
        if (!file.endsWith('.ts')) continue;
        for (const [, name] of readFileSync(join(dir, file), 'utf8').matchAll(
          /\b([A-Z][A-Za-z]+)Command\b/g,
        )) {
          if (IAM_OPERATIONS.has(name)) called.add(name);
        }
      }
    }
    expect([...called].sort()).to.include.members(['AdminCreateUser', 'ListUsers']);
    for (const name of called) expect(Object.hasOwn(operations, name), name).to.equal(true);
  });

  it('refuses an IAM operation sent unsigned, and names what the stand-in lacks and what Cognito does not know', async () => {
    const unsigned = await callRaw(up.endpoint, 'AddCustomAttributes', { UserPoolId: POOL_ID });
    expect(unsigned.json.__type).to.equal('MissingAuthenticationTokenException');
    expect(unsigned.status).to.equal(403);
    const signed = await sdkRefusal(
      up.admin.send(new sdk.AddCustomAttributesCommand({ UserPoolId: POOL_ID, CustomAttributes: [] })),
    );
    expect(signed).to.deep.equal({
      name: 'UnknownOperationException',
      message: 'AddCustomAttributes is not available in the local user pool stand-in (docs/local-mode.md).',
      status: 400,
    });
    const unknown = await callRaw(up.endpoint, 'MakeCoffee', {});
    expect(unknown.json).to.deep.equal({
      __type: 'UnknownOperationException',
      message: 'The requested operation is not recognized.',
    });
  });
});
