import { createDb, type Db } from '@/db/client';
import { type Auth, createAuth } from './auth';
import { directDatabaseUrl, env } from './env';
import { createReplicaRouter, type ReplicaRouter } from './runtime/replica';
import { onShutdown } from './runtime/lifecycle';
import { allowedOriginsFrom } from './http/trpc-guard';

export interface Services {
  /** The primary, through DATABASE_URL (possibly a transaction-mode pooler): writes, auth, read-your-writes. */
  db: Db;
  auth: Auth;
  /** Chooses the replica or the primary for read-only procedures; absent without DATABASE_REPLICA_URL. */
  replica?: ReplicaRouter;
  /**
   * A direct (non-pooled) URL, for what needs one server session of its own: the Database page's
   * hypothetical indexes. Absent: those features say so instead.
   */
  directUrl?: string;
  /** The limits db was created with (for 503 messages and the bulkhead size); tests may omit them. */
  limits?: { lockTimeoutMs: number; statementTimeoutMs: number; poolWaitMs: number; bulkhead: number };
}

// One pool and one auth instance per server process (kept on globalThis so dev reloads reuse them).
const globalForServices = globalThis as unknown as { __services?: Services };

export function getServices(): Services {
  if (!globalForServices.__services) {
    const e = env();
    const limits = {
      statementTimeoutMs: e.DB_STATEMENT_TIMEOUT_MS,
      lockTimeoutMs: e.DB_LOCK_TIMEOUT_MS,
      poolWaitMs: e.DB_POOL_WAIT_MS,
    };
    const db = createDb(e.DATABASE_URL, { ...limits, max: e.DB_POOL_MAX, applicationName: 'dashboard' });
    onShutdown('primary pool', () => db.destroy());
    const auth = createAuth(db, {
      secret: e.BETTER_AUTH_SECRET,
      baseURL: e.BETTER_AUTH_URL,
      trustedOrigins: allowedOriginsFrom(e.BETTER_AUTH_URL, e.TRUSTED_ORIGINS),
      requestsPerMinute: e.AUTH_SIGNIN_LIMIT_PER_MINUTE,
      sessionCacheMs: e.SESSION_CACHE_MS,
    });
    let replica: ReplicaRouter | undefined;
    if (e.DATABASE_REPLICA_URL) {
      const replicaDb = createDb(e.DATABASE_REPLICA_URL, { ...limits, max: e.DB_POOL_MAX, applicationName: 'dashboard-replica' });
      onShutdown('replica pool', () => replicaDb.destroy());
      replica = createReplicaRouter({ primary: db, replica: replicaDb, maxLagMs: e.REPLICA_MAX_LAG_MS });
    }
    // Each router may hold about half the pool: one stuck area leaves the other half to the rest.
    const bulkhead = Math.max(1, Math.floor(e.DB_POOL_MAX / 2));
    globalForServices.__services = { db, auth, replica, directUrl: directDatabaseUrl(e), limits: { ...limits, bulkhead } };
  }
  return globalForServices.__services;
}

/** The direct (session) URL: for LISTEN/NOTIFY, advisory locks, migrations. Register its client with onShutdown. */
export { directDatabaseUrl, onShutdown };
