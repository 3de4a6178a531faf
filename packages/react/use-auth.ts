import type { AuthMachine } from './auth-machine.js';
import { useLockbox } from './context.js';

/** The sign-in state and its actions, shared by every component under the provider. */
export function useAuth(): AuthMachine {
  return useLockbox().auth;
}
