/**
 * The sign-in step machine behind `useAuth()`: SRP sign-in, then the challenge the pool asks for (a new
 * password, an authenticator code), and the forgotten-password reset. Each action answers true when its
 * step succeeded; a failure is kept in `error` (a LockboxError with Cognito's code) until the next action.
 */
import type { CurrentUser, LockboxClient, SignInResult } from '@lockbox/client';
import { useEffect, useMemo, useState } from 'react';

export type AuthStep =
  /** The stored session is being restored. */
  | { readonly step: 'loading' }
  | { readonly step: 'signed-out' }
  /** A first sign-in with a temporary password: `respond(newPassword)`. */
  | { readonly step: 'new-password' }
  /** `respond(code)` with the 6-digit code of the user's authenticator app. */
  | { readonly step: 'totp' }
  /** A code went to `email`: `resetPassword(code, newPassword)`. */
  | { readonly step: 'reset-password'; readonly email: string }
  | { readonly step: 'signed-in'; readonly user: CurrentUser };

export type AuthMachine = AuthStep & {
  /** An action is under way (disable the form). */
  readonly busy: boolean;
  /** The last action's failure, cleared when the next one starts. */
  readonly error: unknown;
  signIn(email: string, password: string): Promise<boolean>;
  /** Answers the current challenge: the new password, or the authenticator code. */
  respond(answer: string): Promise<boolean>;
  /** Sends a reset code (answered the same for unknown users) and moves to `reset-password`. */
  forgotPassword(email: string): Promise<boolean>;
  resetPassword(code: string, newPassword: string): Promise<boolean>;
  /** Back to `signed-out` from a challenge or a reset. */
  cancel(): void;
  signOut(): Promise<boolean>;
};

type Answer = (answer: string) => Promise<SignInResult>;
type State = AuthStep & { readonly complete?: Answer };

function stepOf(result: SignInResult): State {
  if (result.status === 'signed-in') return { step: 'signed-in', user: result.user };
  return {
    step: result.status === 'new-password-required' ? 'new-password' : 'totp',
    complete: result.complete,
  };
}

export function useAuthMachine(client: LockboxClient): AuthMachine {
  const [state, setState] = useState<State>({ step: 'loading' });
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(undefined);

  useEffect(() => {
    let live = true;
    client.auth.currentUser().then(
      (user) => live && setState(user === null ? { step: 'signed-out' } : { step: 'signed-in', user }),
      (failure: unknown) => {
        if (!live) return;
        setError(failure);
        setState({ step: 'signed-out' });
      },
    );
    return () => {
      live = false;
    };
  }, [client]);

  return useMemo(() => {
    const run = async (work: () => Promise<State>): Promise<boolean> => {
      setBusy(true);
      setError(undefined);
      try {
        setState(await work());
        return true;
      } catch (failure) {
        setError(failure);
        return false;
      } finally {
        setBusy(false);
      }
    };
    const { complete, ...step } = state;
    return {
      ...step,
      busy,
      error,
      signIn: (email, password) => run(async () => stepOf(await client.auth.signIn(email, password))),
      respond: (answer) =>
        run(async () => {
          if (complete === undefined) throw new Error('There is no challenge to answer.');
          return stepOf(await complete(answer));
        }),
      forgotPassword: (email) =>
        run(async () => {
          await client.auth.forgotPassword(email);
          return { step: 'reset-password', email };
        }),
      resetPassword: (code, newPassword) =>
        run(async () => {
          if (state.step !== 'reset-password') throw new Error('Ask for a reset code first.');
          await client.auth.confirmForgotPassword(state.email, code, newPassword);
          return { step: 'signed-out' };
        }),
      cancel: () => {
        setError(undefined);
        setState({ step: 'signed-out' });
      },
      signOut: () =>
        run(async () => {
          // The session is gone from this device even when revoking the refresh token fails (offline).
          await client.auth.signOut().catch(() => undefined);
          return { step: 'signed-out' };
        }),
    };
  }, [client, state, busy, error]);
}
