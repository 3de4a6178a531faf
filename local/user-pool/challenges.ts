/**
 * Sign-ins in progress, in memory only (a restart simply makes the client start over): SRP handshakes
 * keyed by their SECRET_BLOCK, and new-password and TOTP challenges keyed by their Session. Each is used once and
 * lives three minutes, Cognito's default authentication session.
 */
import { randomBytes } from 'node:crypto';
import type { ServerHandshake, SrpIdentity } from './srp';

export const CHALLENGE_LIFETIME_MS = 3 * 60 * 1000;

export interface PendingVerifier {
  /** The user's username, or undefined for a decoy answer to an unknown user. */
  readonly username: string | undefined;
  /** The `USERNAME` the challenge named; the client must answer with it. */
  readonly challengeUsername: string;
  readonly identity: SrpIdentity;
  readonly verifier: string;
  readonly handshake: ServerHandshake;
}

export interface PendingNewPassword {
  readonly username: string;
}

/** A sign-in past its password, waiting for the authenticator's code; a wrong code may be retried. */
export interface PendingMfa {
  readonly username: string;
  attemptsLeft: number;
}

class OneTimeMap<T> {
  private readonly entries = new Map<string, { value: T; expiresAt: number }>();

  /** Stores a value under a new random handle and returns the handle. */
  put(value: T, now: number, handleBytes: number): string {
    for (const [key, entry] of this.entries) if (entry.expiresAt <= now) this.entries.delete(key);
    const handle = randomBytes(handleBytes).toString('base64');
    this.entries.set(handle, { value, expiresAt: now + CHALLENGE_LIFETIME_MS });
    return handle;
  }

  /** The value, left in place (for a challenge that may be answered again). */
  peek(handle: string, now: number): T | undefined {
    const entry = this.entries.get(handle);
    return entry !== undefined && entry.expiresAt > now ? entry.value : undefined;
  }

  /** The value once: taking it ends it, whether the answer is right or wrong. */
  take(handle: string, now: number): T | undefined {
    const entry = this.entries.get(handle);
    this.entries.delete(handle);
    return entry !== undefined && entry.expiresAt > now ? entry.value : undefined;
  }
}

export class Challenges {
  readonly verifiers = new OneTimeMap<PendingVerifier>();
  readonly newPasswords = new OneTimeMap<PendingNewPassword>();
  readonly mfa = new OneTimeMap<PendingMfa>();
}
