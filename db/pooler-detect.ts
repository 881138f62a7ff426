import { sql } from 'kysely';
import type { Db } from './client';

export class TransactionPoolerError extends Error {}

/**
 * True when `db` reaches PostgreSQL through a transaction-mode pooler (PgBouncer pool_mode=transaction,
 * Neon's -pooler host, Supabase's port 6543), where a session advisory lock or CREATE INDEX
 * CONCURRENTLY's session cannot be trusted. PgBouncer does not announce itself on the wire, so this
 * watches for the behaviour itself: two client connections, A idle between transactions and B
 * inside one. Directly, every client has its own backend for its whole life, so B's backend pid is
 * never A's and A's pid never changes. Behind a transaction pooler, A's backend goes back to the pool
 * after each transaction: B is handed it (PgBouncer reuses the most recent server connection) or A
 * gets another one. Session-mode poolers pin a backend per client and pass, as they should.
 */
export async function isBehindTransactionPooler(db: Db, attempts = 3): Promise<boolean> {
  for (let i = 0; i < attempts; i++) {
    const found = await db.connection().execute(async (a) => {
      const pid = async (c: Db) => (await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(c)).rows[0]!.pid;
      const a1 = await pid(a);
      return db.connection().execute(async (b) => {
        await sql`begin`.execute(b);
        try {
          const b1 = await pid(b);
          const a2 = await pid(a);
          return b1 === a1 || a2 !== a1;
        } finally {
          await sql`rollback`.execute(b);
        }
      });
    });
    if (found) return true;
  }
  return false;
}

export async function refuseTransactionPooler(db: Db): Promise<void> {
  if (await isBehindTransactionPooler(db)) {
    throw new TransactionPoolerError(
      'This connection goes through a transaction-mode pooler (e.g. PgBouncer pool_mode=transaction), ' +
        'where the migration lock and CREATE INDEX CONCURRENTLY are unsafe. Set DIRECT_DATABASE_URL to a direct ' +
        '(non-pooled) connection to the same database; the migrator and the seeder use it.',
    );
  }
}
