import { getSessionCookie } from 'better-auth/cookies';

/**
 * The session check without a database round trip on every request (issue 23): better-auth's
 * answer for a session cookie is kept in this process for at most `ttlMs` (and never past the
 * session's own expiry). Bounded in size; concurrent misses for one cookie share one lookup.
 *
 * Revocation bound: sign-out, revoking sessions and the admin endpoints (set role, ban, remove)
 * served by this process empty the cache at once (server/auth.ts hooks); a change made anywhere
 * else (another server process, SQL on auth_session / auth_user) takes effect within `ttlMs`.
 * Only sessions that were found are cached, and only under the exact signed cookie value
 * better-auth verified, so a forged cookie is never answered from here.
 */
export interface SessionCacheOptions {
  /** Milliseconds an answer may be reused; 0 disables the cache. */
  ttlMs: number;
  /** Cookies remembered at most (oldest dropped first). */
  max?: number;
}

interface Entry<T> {
  value: Promise<T>;
  expires: number;
}

export class SessionCache<T extends { session: { expiresAt: Date | string } } | null> {
  private readonly entries = new Map<string, Entry<T>>();
  private generation = 0;
  readonly ttlMs: number;
  private readonly max: number;

  constructor(options: SessionCacheOptions) {
    this.ttlMs = Math.max(0, options.ttlMs);
    this.max = options.max ?? 10_000;
  }

  /** `lookup()` (better-auth's getSession) unless a fresh answer for this request's session cookie is at hand. */
  async get(headers: Headers, lookup: () => Promise<T>): Promise<T> {
    const key = this.ttlMs > 0 ? getSessionCookie(headers) : null;
    if (!key) return lookup();
    const now = Date.now();
    const hit = this.entries.get(key);
    if (hit && hit.expires > now) return hit.value;
    if (hit) this.entries.delete(key);
    const generation = this.generation;
    const value = lookup();
    const entry: Entry<T> = { value, expires: now + this.ttlMs };
    this.entries.set(key, entry);
    if (this.entries.size > this.max) this.entries.delete(this.entries.keys().next().value!);
    try {
      const session = await value;
      // Keep only sessions that exist, found before no invalidation, and only until they expire.
      if (!session || generation !== this.generation) this.drop(key, entry);
      else entry.expires = Math.min(entry.expires, new Date(session.session.expiresAt).getTime());
      return session;
    } catch (err) {
      this.drop(key, entry);
      throw err;
    }
  }

  /** Forget every answer: a sign-out, revocation or role change went through this process. */
  clear(): void {
    this.generation++;
    this.entries.clear();
  }

  get size(): number {
    return this.entries.size;
  }

  private drop(key: string, entry: Entry<T>): void {
    if (this.entries.get(key) === entry) this.entries.delete(key);
  }
}
