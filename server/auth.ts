import { betterAuth } from 'better-auth';
import { nextCookies } from 'better-auth/next-js';
import { admin } from 'better-auth/plugins';
import type { Db } from '@/db/client';

export interface AuthOptions {
  secret: string;
  baseURL: string;
  signInLimitPerMinute?: number;
}

/**
 * better-auth on our Kysely instance (same pg pool): email + password, database sessions that can
 * be revoked, the admin plugin's roles (`admin`, `staff`), failed sign-ins rate-limited in the
 * database, telemetry off. Its tables come from migrations/0004_auth.sql, not from its own CLI.
 */
export function createAuth(db: Db, options: AuthOptions) {
  return betterAuth({
    appName: 'Home Services Dashboard',
    secret: options.secret,
    baseURL: options.baseURL,
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
      max: 100,
      customRules: {
        '/sign-in/email': { window: 60, max: options.signInLimitPerMinute ?? 10 },
      },
    },
    plugins: [admin({ defaultRole: 'staff', adminRoles: ['admin'] }), nextCookies()],
  });
}

export type Auth = ReturnType<typeof createAuth>;
