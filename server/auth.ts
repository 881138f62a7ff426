import { betterAuth } from 'better-auth';
import { APIError, createAuthMiddleware, isAPIError } from 'better-auth/api';
import { nextCookies } from 'better-auth/next-js';
import { admin } from 'better-auth/plugins';
import type { Db } from '@/db/client';
import { clientAddress } from './security/client-address';
import { recordSignInFailure, recordSignInSuccess, signInWait } from './security/limits';
import { SessionCache } from './session-cache';

export interface AuthOptions {
  secret: string;
  baseURL: string;
  /** Other origins sign-in is accepted from (TRUSTED_ORIGINS). */
  trustedOrigins?: string[];
  /** Requests per minute per address on the auth endpoints other than sign-in (a flood guard). */
  requestsPerMinute?: number;
  /** How the client's address is found (tests pass their own). */
  clientAddress?: (headers: Headers) => string;
  /**
   * Milliseconds a session check may be answered from this process's memory (SESSION_CACHE_MS,
   * server/session-cache.ts): the longest a sign-out or role change made elsewhere goes unnoticed.
   * 0 or absent: every request reads the session row.
   */
  sessionCacheMs?: number;
}

/**
 * Endpoints after which no remembered session answer may be trusted: sign-out, revocations, user
 * and password changes, and every admin-plugin endpoint (set role, ban, remove, impersonate).
 */
const INVALIDATING = /^\/(sign-out|revoke-|update-user|change-|delete-user|admin\/)/;

/**
 * better-auth on our Kysely instance (same pg pool): email + password, database sessions that can
 * be revoked, the admin plugin's roles (`admin`, `staff`), failed sign-ins limited per client, per
 * account and client, and per account in PostgreSQL (server/security/limits.ts), telemetry off.
 * Its tables come from migrations/0004_auth.sql, not from its own CLI.
 */
export function createAuth(db: Db, options: AuthOptions) {
  const addressOf = options.clientAddress ?? ((h: Headers) => clientAddress(h));
  const signInTarget = (ctx: { path?: string; body?: unknown; headers?: Headers; request?: Request }) => {
    if (ctx.path !== '/sign-in/email') return null;
    const email = (ctx.body as { email?: unknown } | undefined)?.email;
    if (typeof email !== 'string' || email.length === 0 || email.length > 254) return null;
    const headers = ctx.headers ?? ctx.request?.headers ?? new Headers();
    return { email, client: addressOf(headers) };
  };
  const sessions = new SessionCache<SessionAnswer>({ ttlMs: options.sessionCacheMs ?? 0 });
  const auth = betterAuth({
    appName: 'Home Services Dashboard',
    secret: options.secret,
    baseURL: options.baseURL,
    trustedOrigins: options.trustedOrigins ?? [],
    database: { db, type: 'postgres' },
    telemetry: { enabled: false },
    emailAndPassword: { enabled: true, disableSignUp: true, minPasswordLength: 8 },
    session: {
      modelName: 'auth_session',
      expiresIn: 60 * 60 * 24 * 7,
      updateAge: 60 * 60 * 24,
      // Re-reading the session row on every request is what makes revocation immediate; the
      // lookup is a primary-key read on a small table.
      cookieCache: { enabled: false },
    },
    user: { modelName: 'auth_user' },
    account: { modelName: 'auth_account' },
    verification: { modelName: 'auth_verification' },
    rateLimit: {
      enabled: true,
      storage: 'database',
      modelName: 'auth_rate_limit',
      window: 60,
      max: options.requestsPerMinute ?? 100,
      // Sign-in is limited by the hooks below: better-auth's own limiter keys on X-Forwarded-For
      // as sent (a client picks its bucket) and counts successes as well as failures.
      customRules: { '/sign-in/email': false },
    },
    advanced: {
      // Secure cookies whenever the public URL is https, also behind a proxy that ends TLS.
      useSecureCookies: options.baseURL.startsWith('https:'),
    },
    hooks: {
      before: createAuthMiddleware(async (ctx) => {
        const target = signInTarget(ctx);
        if (!target) return;
        const wait = await signInWait(db, target.email, target.client);
        if (wait > 0) {
          throw new APIError(
            'TOO_MANY_REQUESTS',
            { code: 'TOO_MANY_ATTEMPTS', message: `Too many sign-in attempts. Try again in ${wait} seconds.`, retryAfterSeconds: wait },
            { 'Retry-After': String(wait) },
          );
        }
      }),
      after: createAuthMiddleware(async (ctx) => {
        if (ctx.path && INVALIDATING.test(ctx.path)) sessions.clear();
        const target = signInTarget(ctx);
        if (!target) return;
        const returned = ctx.context.returned;
        if (ctx.context.newSession) await recordSignInSuccess(db, target.email, target.client);
        else if (isAPIError(returned) && (returned.statusCode === 401 || returned.statusCode === 400)) {
          await recordSignInFailure(db, target.email, target.client);
        }
      }),
    },
    plugins: [admin({ defaultRole: 'staff', adminRoles: ['admin'] }), nextCookies()],
  });
  (auth as unknown as Record<symbol, SessionCache<SessionAnswer>>)[SESSION_CACHE] = sessions;
  return auth;
}

export type Auth = ReturnType<typeof createAuth>;
type SessionAnswer = Awaited<ReturnType<Auth['api']['getSession']>>;

/**
 * The cache rides on the auth instance under a registry symbol, not in a module-level map: Next
 * bundles this file once per entry (instrumentation's boot, which creates the instance kept on
 * globalThis by server/services.ts; the tRPC route; the pages), and each copy has its own module
 * state. With a WeakMap here the tRPC route's copy never found the cache that instrumentation's
 * copy had registered, so under `next start` every request read the session table (issue 23,
 * found in a CPU profile: better-auth's endpoint code 3% of self time, on every request).
 */
const SESSION_CACHE = Symbol.for('home-services-dashboard.session-cache');
const cacheOf = (auth: Auth) => (auth as unknown as Record<symbol, SessionCache<SessionAnswer> | undefined>)[SESSION_CACHE];

/**
 * The session of a request, as better-auth's getSession answers it, through the auth instance's
 * bounded cache (server/session-cache.ts; disabled unless sessionCacheMs > 0).
 */
export function sessionOf(auth: Auth, headers: Headers): Promise<SessionAnswer> {
  const lookup = () => auth.api.getSession({ headers });
  const cache = cacheOf(auth);
  return cache ? cache.get(headers, lookup) : lookup();
}

/** The cache behind sessionOf (tests, and whoever changes users outside better-auth's endpoints). */
export function sessionCacheOf(auth: Auth): SessionCache<SessionAnswer> | undefined {
  return cacheOf(auth);
}
