/**
 * Self sign-up, as Cognito answers it for this pool: only administrators create users (the stack's
 * `allowAdminCreateUserOnly`), so SignUp is refused once the client id is known, and no user of this pool is
 * ever UNCONFIRMED: ConfirmSignUp and ResendConfirmationCode can only find a user in another state.
 */
import { CognitoError, invalidParameter } from '../errors';
import { type Input, requiredString } from '../input';
import { type Pool, requireClient } from '../pool';
import { codeDelivery } from './forgot-password';

export function signUp(pool: Pool, input: Input): object {
  requireClient(pool, requiredString(input, 'ClientId', 128));
  throw new CognitoError('NotAuthorizedException', 'SignUp is not permitted for this user pool.');
}

/**
 * A known user: NotAuthorizedException naming its status (Cognito's answer even with user-existence errors
 * prevented; apps match "User cannot be confirmed. Current status is CONFIRMED"). An unknown user: the
 * wrong-code answer, as ConfirmForgotPassword gives it, so that nothing tells the two apart but the status.
 */
export function confirmSignUp(pool: Pool, input: Input): object {
  requireClient(pool, requiredString(input, 'ClientId', 128));
  const user = pool.store.find(requiredString(input, 'Username', 128));
  requiredString(input, 'ConfirmationCode', 2048);
  if (user === undefined) {
    throw new CognitoError('CodeMismatchException', 'Invalid verification code provided, please try again.');
  }
  throw new CognitoError(
    'NotAuthorizedException',
    `User cannot be confirmed. Current status is ${user.status}`,
  );
}

/**
 * A known user is confirmed already (InvalidParameterException "User is already confirmed."); an unknown one
 * gets a delivery to a simulated address, as PreventUserExistenceErrors ENABLED answers account confirmation
 * (docs: cognito-user-pool-managing-errors), the way ForgotPassword answers it here.
 */
export function resendConfirmationCode(pool: Pool, input: Input): object {
  requireClient(pool, requiredString(input, 'ClientId', 128));
  const name = requiredString(input, 'Username', 128);
  if (pool.store.find(name) !== undefined) throw invalidParameter('User is already confirmed.');
  return codeDelivery(name.includes('@') ? name : 'x@x');
}
