import {
  AuthenticationDetails,
  CognitoUser,
  type CognitoUserAttribute,
  CognitoUserPool,
  type CognitoUserSession,
} from 'amazon-cognito-identity-js';
import { CLIENT_ID, POOL_ID } from './user-pool-server';

/** amazon-cognito-identity-js, promisified, pointed at the stand-in. */
export function jsUser(endpoint: string, email: string): CognitoUser {
  const pool = new CognitoUserPool({ UserPoolId: POOL_ID, ClientId: CLIENT_ID, endpoint });
  return new CognitoUser({ Username: email, Pool: pool });
}

export type SignInOutcome =
  | { readonly kind: 'session'; readonly session: CognitoUserSession }
  | {
      readonly kind: 'newPasswordRequired';
      readonly userAttributes: Record<string, string>;
      readonly requiredAttributes: string[];
    };

export function signIn(user: CognitoUser, password: string): Promise<SignInOutcome> {
  return new Promise((resolve, reject) => {
    user.authenticateUser(new AuthenticationDetails({ Username: user.getUsername(), Password: password }), {
      onSuccess: (session) => resolve({ kind: 'session', session }),
      onFailure: reject,
      newPasswordRequired: (userAttributes, requiredAttributes) =>
        resolve({ kind: 'newPasswordRequired', userAttributes, requiredAttributes }),
    });
  });
}

export function completeNewPassword(user: CognitoUser, password: string): Promise<CognitoUserSession> {
  return new Promise((resolve, reject) => {
    user.completeNewPasswordChallenge(password, {}, { onSuccess: resolve, onFailure: reject });
  });
}

export function refreshSession(user: CognitoUser, session: CognitoUserSession): Promise<CognitoUserSession> {
  return new Promise((resolve, reject) => {
    user.refreshSession(session.getRefreshToken(), (error: Error | null, fresh: CognitoUserSession) =>
      error ? reject(error) : resolve(fresh),
    );
  });
}

export function changePassword(user: CognitoUser, previous: string, proposed: string): Promise<void> {
  return new Promise((resolve, reject) => {
    user.changePassword(previous, proposed, (error) => (error ? reject(error) : resolve()));
  });
}

export function getAttributes(user: CognitoUser): Promise<Record<string, string>> {
  return new Promise((resolve, reject) => {
    user.getUserAttributes((error, attributes?: CognitoUserAttribute[]) =>
      error || attributes === undefined
        ? reject(error)
        : resolve(Object.fromEntries(attributes.map((a) => [a.getName(), a.getValue()]))),
    );
  });
}

export function forgotPassword(user: CognitoUser): Promise<unknown> {
  return new Promise((resolve, reject) => user.forgotPassword({ onSuccess: resolve, onFailure: reject }));
}

export function confirmPassword(user: CognitoUser, code: string, password: string): Promise<void> {
  return new Promise((resolve, reject) =>
    user.confirmPassword(code, password, { onSuccess: () => resolve(), onFailure: reject }),
  );
}

export function globalSignOut(user: CognitoUser): Promise<void> {
  return new Promise((resolve, reject) =>
    user.globalSignOut({ onSuccess: () => resolve(), onFailure: reject }),
  );
}

/** The rejection's error, or a failure when the promise resolved. */
export async function failure(
  promise: Promise<unknown>,
): Promise<{ code?: string; name?: string; message: string }> {
  try {
    await promise;
  } catch (error) {
    return error as { code?: string; name?: string; message: string };
  }
  throw new Error('expected a failure');
}
