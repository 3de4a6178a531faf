import {
  AdminCreateUserCommand,
  CognitoIdentityProviderClient,
} from '@aws-sdk/client-cognito-identity-provider';
import { fromCognitoIdentityPool } from '@aws-sdk/credential-provider-cognito-identity';
import type { AwsCredentialIdentity } from '@smithy/types';
import {
  AuthenticationDetails,
  CognitoUser,
  CognitoUserPool,
  type CognitoUserSession,
} from 'amazon-cognito-identity-js';
import type { AdminFile, FrontendConfig } from '../local/config-files';

/**
 * A browser app's sign-in, done with the libraries a browser app uses (amazon-cognito-identity-js for SRP,
 * the SDK's Cognito identity credential provider), pointed at a config's endpoints. Tests, the smoke test
 * and the API benchmark sign in through it.
 */

/** A frontend config whose Cognito endpoints may be absent: a deployed stack's, where the SDKs find AWS's. */
export type SessionConfig = Omit<FrontendConfig, 'user_pool_endpoint' | 'identity_pool_endpoint'> &
  Partial<Pick<FrontendConfig, 'user_pool_endpoint' | 'identity_pool_endpoint'>>;

export interface SignedInUser {
  readonly email: string;
  readonly idToken: string;
  readonly identityId: string;
  readonly credentials: AwsCredentialIdentity;
}

export function adminClient(config: FrontendConfig, admin: AdminFile): CognitoIdentityProviderClient {
  return new CognitoIdentityProviderClient({
    region: admin.region,
    endpoint: config.user_pool_endpoint,
    credentials: { accessKeyId: admin.accessKeyId, secretAccessKey: admin.secretAccessKey },
  });
}

/** An admin-created user with a temporary password and no invitation mail, as `users create` makes one. */
export async function createUser(
  client: CognitoIdentityProviderClient,
  config: FrontendConfig,
  email: string,
  temporaryPassword: string,
): Promise<void> {
  await client.send(
    new AdminCreateUserCommand({
      UserPoolId: config.user_pool_id,
      Username: email,
      TemporaryPassword: temporaryPassword,
      MessageAction: 'SUPPRESS',
      UserAttributes: [
        { Name: 'email', Value: email },
        { Name: 'email_verified', Value: 'true' },
      ],
    }),
  );
}

/**
 * SRP sign-in; a first sign-in answers the new-password challenge with `newPassword`.
 * Resolves with the ID token.
 */
export function signIn(
  config: SessionConfig,
  email: string,
  password: string,
  newPassword?: string,
): Promise<string> {
  const pool = new CognitoUserPool({
    UserPoolId: config.user_pool_id,
    ClientId: config.user_pool_client_id,
    endpoint: config.user_pool_endpoint,
  });
  const user = new CognitoUser({ Username: email, Pool: pool });
  return new Promise((resolve, reject) => {
    const done = (session: CognitoUserSession) => resolve(session.getIdToken().getJwtToken());
    user.authenticateUser(new AuthenticationDetails({ Username: email, Password: password }), {
      onSuccess: done,
      onFailure: reject,
      newPasswordRequired: () => {
        if (newPassword === undefined) {
          reject(new Error('The user must choose a new password'));
          return;
        }
        user.completeNewPasswordChallenge(newPassword, {}, { onSuccess: done, onFailure: reject });
      },
    });
  });
}

/** The identity pool's temporary credentials for a signed-in user, and the identity id they carry. */
export async function identityCredentials(config: SessionConfig, idToken: string) {
  const issuer = `cognito-idp.${config.region}.amazonaws.com/${config.user_pool_id}`;
  const provider = fromCognitoIdentityPool({
    identityPoolId: config.identity_pool_id,
    logins: { [issuer]: idToken },
    clientConfig: { region: config.region, endpoint: config.identity_pool_endpoint },
  });
  const credentials = await provider();
  return { identityId: credentials.identityId, credentials };
}

/** Creates a user, signs in through the new-password challenge, and gets the identity's credentials. */
export async function newSignedInUser(
  client: CognitoIdentityProviderClient,
  config: FrontendConfig,
  email: string,
  password: string,
): Promise<SignedInUser> {
  const temporary = `Temp-${crypto.randomUUID()}-1a!`;
  await createUser(client, config, email, temporary);
  const idToken = await signIn(config, email, temporary, password);
  const { identityId, credentials } = await identityCredentials(config, idToken);
  return { email, idToken, identityId, credentials };
}
