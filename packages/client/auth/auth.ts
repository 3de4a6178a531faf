/** The app-facing sign-in flow: SRP, then whichever challenge the pool asks for, then a session. */
import { LockboxError } from '../errors.js';
import type { Auth, SignInResult } from '../lockbox-client.js';
import type { Session } from './session.js';
import type { AuthStep, UserPool } from './user-pool.js';

export function createAuth(userPool: UserPool, session: Session): Auth {
  async function next(step: AuthStep): Promise<SignInResult> {
    if ('tokens' in step) return { status: 'signed-in', user: await session.begin(step.tokens) };
    if (step.challenge === 'NEW_PASSWORD_REQUIRED') {
      return {
        status: 'new-password-required',
        complete: async (newPassword) => next(await userPool.respond(step, { NEW_PASSWORD: newPassword })),
      };
    }
    if (step.challenge === 'SOFTWARE_TOKEN_MFA') {
      return {
        status: 'totp-required',
        complete: async (code) => next(await userPool.respond(step, { SOFTWARE_TOKEN_MFA_CODE: code })),
      };
    }
    throw new LockboxError(
      'UnsupportedChallenge',
      `The user pool asks for ${step.challenge || 'an unknown challenge'}, which this client does not answer.`,
    );
  }

  return {
    signIn: async (email, password) => next(await userPool.signInWithSrp(email, password)),
    signOut: () => session.end(),
    forgotPassword: (email) => userPool.forgotPassword(email),
    confirmForgotPassword: (email, code, newPassword) =>
      userPool.confirmForgotPassword(email, code, newPassword),
    currentUser: () => session.user(),
  };
}
