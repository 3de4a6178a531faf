/** A user's new password, as each call that sets one leaves the user. */
import type { Pool } from '../pool';
import type { PasswordVerifier } from '../srp';
import type { StoredUser } from '../store';

const DAY_MS = 24 * 60 * 60 * 1000;

/** A temporary password: the user must choose their own at first sign-in, within the policy's days. */
export function setTemporaryPassword(
  pool: Pool,
  user: StoredUser,
  { salt, verifier }: PasswordVerifier,
): void {
  user.salt = salt;
  user.verifier = verifier;
  user.status = 'FORCE_CHANGE_PASSWORD';
  user.temporaryPasswordExpiresAt = pool.now() + pool.policy.temporaryPasswordValidityDays * DAY_MS;
}

/** A password of the user's own (or one the administrator made permanent): confirmed, with no expiry. */
export function setPermanentPassword(user: StoredUser, { salt, verifier }: PasswordVerifier): void {
  user.salt = salt;
  user.verifier = verifier;
  user.status = 'CONFIRMED';
  user.temporaryPasswordExpiresAt = undefined;
}
