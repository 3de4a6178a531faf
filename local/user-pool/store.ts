/**
 * The pool's users and sign-in sessions, kept in memory and saved to `<dataDir>/users.json` after every
 * change so that accounts and refresh tokens survive a restart. Passwords are kept only as SRP verifiers,
 * refresh tokens and reset codes only as SHA-256 hashes.
 */
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { readJsonFile, writeJsonFile } from '../json-file';

export type UserStatus = 'FORCE_CHANGE_PASSWORD' | 'CONFIRMED' | 'RESET_REQUIRED';

export interface StoredUser {
  /** Cognito's username: a UUID when email is the sign-in attribute; also the `sub`. */
  readonly username: string;
  /** As the administrator wrote it; compared case-insensitively, as the stack's pool does. */
  email: string;
  emailVerified: boolean;
  status: UserStatus;
  enabled: boolean;
  salt: string;
  verifier: string;
  /** Epoch ms after which a temporary password no longer signs in. */
  temporaryPasswordExpiresAt?: number;
  /** A software token (TOTP) being associated: its secret, until VerifySoftwareToken proves it. */
  totpPending?: string;
  /** The verified software token, and whether SetUserMFAPreference turned it on for sign-in. */
  totp?: { secret: string; enabled: boolean; preferred: boolean; lastStep: number };
  /** A new e-mail address waiting for its code (the old one signs in until then), and that code, hashed. */
  pendingEmail?: string;
  emailCode?: { hash: string; expiresAt: number; attemptsLeft: number };
  /** A forgot-password code, hashed. */
  resetCode?: { hash: string; expiresAt: number; attemptsLeft: number };
  readonly createdAt: number;
  updatedAt: number;
}

/** One sign-in: its refresh token and every token refreshed from it share `origin_jti`. */
export interface Session {
  readonly originJti: string;
  readonly username: string;
  readonly clientId: string;
  /** The refresh token in use; rotation replaces it. */
  refreshTokenHash: string;
  /** The refresh token rotation retired, still accepted until `until` (epoch ms) for a retried request. */
  retired?: { readonly hash: string; readonly until: number };
  readonly authTime: number;
  readonly eventId: string;
  /** Epoch ms: the refresh tokens' end, fixed at sign-in (rotation does not extend it). */
  readonly expiresAt: number;
}

interface StoredState {
  readonly version: 1;
  readonly users: StoredUser[];
  readonly sessions: Session[];
}

export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

export class UserStore {
  private readonly users = new Map<string, StoredUser>();
  private readonly sessions = new Map<string, Session>();

  private constructor(private readonly path: string) {}

  static open(dataDir: string): UserStore {
    const store = new UserStore(join(dataDir, 'users.json'));
    const saved = readJsonFile(store.path) as StoredState | undefined;
    if (saved !== undefined) {
      if (saved.version !== 1) throw new Error(`${store.path}: unknown version ${String(saved.version)}`);
      for (const user of saved.users) store.users.set(user.username, user);
      for (const session of saved.sessions) store.sessions.set(session.originJti, session);
    }
    return store;
  }

  /** Finds a user by email (any case) or by username, as Cognito accepts either where it takes `Username`. */
  find(usernameOrEmail: string): StoredUser | undefined {
    const byName = this.users.get(usernameOrEmail);
    if (byName !== undefined) return byName;
    const email = usernameOrEmail.toLowerCase();
    for (const user of this.users.values()) if (user.email.toLowerCase() === email) return user;
    return undefined;
  }

  all(): StoredUser[] {
    return [...this.users.values()].sort((a, b) => a.createdAt - b.createdAt);
  }

  add(user: StoredUser): void {
    this.users.set(user.username, user);
    this.save();
  }

  /** Applies a change to a user and saves it. */
  update(user: StoredUser, change: (user: StoredUser) => void, now: number): void {
    change(user);
    user.updatedAt = now;
    this.save();
  }

  delete(user: StoredUser): void {
    this.users.delete(user.username);
    this.endSessions(user.username);
  }

  addSession(session: Session): void {
    this.sessions.set(session.originJti, session);
    this.save();
  }

  session(originJti: string): Session | undefined {
    return this.sessions.get(originJti);
  }

  /** The session of a refresh token in use, or of one rotated out less than its grace period ago. */
  sessionByRefreshToken(refreshToken: string, now: number): Session | undefined {
    const hash = hashSecret(refreshToken);
    for (const session of this.sessions.values()) {
      if (session.refreshTokenHash === hash) return session;
      if (session.retired?.hash === hash && session.retired.until > now) return session;
    }
    return undefined;
  }

  /**
   * Replaces the session's refresh token with `nextHash`. The one presented stays valid until `graceUntil`
   * if it was the one in use; a retry with an already retired one keeps that one's deadline.
   */
  rotateRefreshToken(session: Session, presentedHash: string, nextHash: string, graceUntil: number): void {
    if (session.refreshTokenHash === presentedHash)
      session.retired = { hash: presentedHash, until: graceUntil };
    session.refreshTokenHash = nextHash;
    this.save();
  }

  endSession(originJti: string): void {
    this.sessions.delete(originJti);
    this.save();
  }

  /** Signs a user out everywhere: every refresh token and the access tokens issued with them stop working. */
  endSessions(username: string): void {
    for (const [id, session] of this.sessions) if (session.username === username) this.sessions.delete(id);
    this.save();
  }

  /** Drops sessions whose refresh token has expired. */
  prune(now: number): void {
    let changed = false;
    for (const [id, session] of this.sessions) {
      if (session.expiresAt <= now) {
        this.sessions.delete(id);
        changed = true;
      }
    }
    if (changed) this.save();
  }

  private save(): void {
    const state: StoredState = { version: 1, users: this.all(), sessions: [...this.sessions.values()] };
    writeJsonFile(this.path, state);
  }
}
