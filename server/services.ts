import { createDb, type Db } from '@/db/client';
import { type Auth, createAuth } from './auth';
import { env } from './env';
import { allowedOriginsFrom } from './http/trpc-guard';

export interface Services {
  db: Db;
  auth: Auth;
}

// One pool and one auth instance per server process (kept on globalThis so dev reloads reuse them).
const globalForServices = globalThis as unknown as { __services?: Services };

export function getServices(): Services {
  if (!globalForServices.__services) {
    const e = env();
    const db = createDb(e.DATABASE_URL, {
      max: e.DB_POOL_MAX,
      statementTimeoutMs: e.DB_STATEMENT_TIMEOUT_MS,
      applicationName: 'dashboard',
    });
    const auth = createAuth(db, {
      secret: e.BETTER_AUTH_SECRET,
      baseURL: e.BETTER_AUTH_URL,
      trustedOrigins: allowedOriginsFrom(e.BETTER_AUTH_URL, e.TRUSTED_ORIGINS),
      requestsPerMinute: e.AUTH_SIGNIN_LIMIT_PER_MINUTE,
    });
    globalForServices.__services = { db, auth };
  }
  return globalForServices.__services;
}
