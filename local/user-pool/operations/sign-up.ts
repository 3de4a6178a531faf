/**
 * SignUp, as Cognito answers it for this pool: only administrators create users (the stack's
 * `allowAdminCreateUserOnly`), so an app's self sign-up is refused once its client id is known.
 */
import { CognitoError } from '../errors';
import { type Input, requiredString } from '../input';
import { type Pool, requireClient } from '../pool';

export function signUp(pool: Pool, input: Input): object {
  requireClient(pool, requiredString(input, 'ClientId', 128));
  throw new CognitoError('NotAuthorizedException', 'SignUp is not permitted for this user pool.');
}
