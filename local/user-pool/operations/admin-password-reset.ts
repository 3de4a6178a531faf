/**
 * AdminResetUserPassword and AdminListUserAuthEvents, the two admin calls the admin CLI adds to those of
 * admin-users.ts. Both SigV4-signed with the admin credentials.
 */
import { CognitoError } from '../errors';
import { type Input, requiredString } from '../input';
import { type Pool, requirePool } from '../pool';
import { sendResetCode } from './forgot-password';

/**
 * As Cognito does: the password stops working (sign-in answers PasswordResetRequiredException) and a
 * reset code is mailed (printed in the log locally) for ConfirmForgotPassword. A user who never signed
 * in (FORCE_CHANGE_PASSWORD) has no password to reset: Cognito refuses, and the answer is a new invitation.
 */
export function adminResetUserPassword(pool: Pool, input: Input): object {
  requirePool(pool, requiredString(input, 'UserPoolId', 55));
  const user = pool.store.find(requiredString(input, 'Username', 128));
  if (user === undefined) throw new CognitoError('UserNotFoundException', 'User does not exist.');
  if (!user.enabled) throw new CognitoError('NotAuthorizedException', 'User is disabled.');
  sendResetCode(pool, user, (u) => {
    u.status = 'RESET_REQUIRED';
  });
  return {};
}

/**
 * Cognito keeps sign-in events only in a pool with threat protection (the Plus plan, billed per active
 * user), which the stack does not turn on; this answers as such a pool does.
 */
export function adminListUserAuthEvents(pool: Pool, input: Input): object {
  requirePool(pool, requiredString(input, 'UserPoolId', 55));
  requiredString(input, 'Username', 128);
  throw new CognitoError(
    'UserPoolAddOnNotEnabledException',
    'Threat protection is not enabled for this user pool.',
  );
}

/** An app's feedback on a risky sign-in: like the admin's event list, it needs threat protection. */
export function updateAuthEventFeedback(pool: Pool, input: Input): object {
  requirePool(pool, requiredString(input, 'UserPoolId', 55));
  requiredString(input, 'Username', 128);
  requiredString(input, 'EventId', 50);
  requiredString(input, 'FeedbackToken');
  requiredString(input, 'FeedbackValue');
  throw new CognitoError(
    'UserPoolAddOnNotEnabledException',
    'Threat protection is not enabled for this user pool.',
  );
}
