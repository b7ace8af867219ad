import { createHash, randomBytes } from 'node:crypto';
import type { User } from './user-store.ts';

export interface Session {
  readonly user: User;
  readonly expiresAt: number;
}

export interface SessionStoreOptions {
  /**
   * How long a session lasts after login.
   * @default 3600000 (1 hour)
   */
  ttlMs?: number;
  /**
   * Sessions kept at most; beyond it the oldest is dropped.
   * @default 10000
   */
  maxSessions?: number;
  /** @default Date.now */
  now?: () => number;
}

/**
 * Opaque bearer tokens for logged-in users, in memory. Only a SHA-256 of each token is kept,
 * so neither a heap dump nor a stray log of the store reveals a usable token.
 */
export class SessionStore {
  readonly #sessions = new Map<string, Session>();
  readonly #ttlMs: number;
  readonly #maxSessions: number;
  readonly #now: () => number;

  constructor(options: SessionStoreOptions = {}) {
    this.#ttlMs = options.ttlMs ?? 60 * 60_000;
    this.#maxSessions = options.maxSessions ?? 10_000;
    this.#now = options.now ?? Date.now;
  }

  /** Starts a session for `user` and returns its token (shown to the client once). */
  create(user: User): { token: string; expiresAt: number } {
    const token = randomBytes(32).toString('base64url');
    const expiresAt = this.#now() + this.#ttlMs;
    if (this.#sessions.size >= this.#maxSessions) {
      // Maps iterate in insertion order: the first key is the oldest session.
      this.#sessions.delete(this.#sessions.keys().next().value!);
    }
    this.#sessions.set(digest(token), { user, expiresAt });
    return { token, expiresAt };
  }

  /** The live session of `token`, if any. */
  find(token: string): Session | undefined {
    const key = digest(token);
    const session = this.#sessions.get(key);
    if (session === undefined) return undefined;
    if (session.expiresAt <= this.#now()) {
      this.#sessions.delete(key);
      return undefined;
    }
    return session;
  }

  /** Ends the session of `token`; true when there was one. */
  delete(token: string): boolean {
    return this.#sessions.delete(digest(token));
  }
}

function digest(token: string): string {
  return createHash('sha256').update(token).digest('base64url');
}
