/**
 * The 6-digit codes the pool "mails" (prints in the log): a password reset's and a new e-mail address's.
 * The store keeps only a code's hash, its expiry and the wrong guesses it still allows.
 */
import { randomInt, timingSafeEqual } from 'node:crypto';
import { hashSecret } from './store';

export interface StoredCode {
  readonly hash: string;
  readonly expiresAt: number;
  readonly attemptsLeft: number;
}

/** Wrong guesses a code allows; then it must be requested again. */
const CODE_ATTEMPTS = 5;

/** A new code, and what the store keeps of it: valid for `lifetimeMs` from `now`. */
export function newCode(
  now: number,
  lifetimeMs: number,
): { readonly code: string; readonly stored: StoredCode } {
  const code = String(randomInt(1_000_000)).padStart(6, '0');
  return {
    code,
    stored: { hash: hashSecret(code), expiresAt: now + lifetimeMs, attemptsLeft: CODE_ATTEMPTS },
  };
}

/**
 * `given` against the stored code: `expired` when there is none, it is past its time or has no guess left;
 * `mismatch` with the code as it is to be stored now (one guess fewer); else `valid`. Compared in constant
 * time.
 */
export function checkCode(
  stored: StoredCode | undefined,
  given: string,
  now: number,
): { readonly outcome: 'valid' | 'expired' } | { readonly outcome: 'mismatch'; readonly spent: StoredCode } {
  if (stored === undefined || stored.expiresAt <= now || stored.attemptsLeft <= 0)
    return { outcome: 'expired' };
  if (!timingSafeEqual(Buffer.from(hashSecret(given), 'hex'), Buffer.from(stored.hash, 'hex'))) {
    return { outcome: 'mismatch', spent: { ...stored, attemptsLeft: stored.attemptsLeft - 1 } };
  }
  return { outcome: 'valid' };
}
