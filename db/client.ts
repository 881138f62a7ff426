import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { Database } from './schema';

// int8 (counts, bigint ids, sums of integers) and numeric (money) arrive as numbers, once, for
// every pool in the process. Values stay far inside 2^53.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));
pg.types.setTypeParser(pg.types.builtins.NUMERIC, (v) => Number(v));

export interface DbOptions {
  /** Pool size; the app's default suits a 2-core machine. */
  max?: number;
  /** Milliseconds; 0 disables. Keeps a runaway query from holding a connection forever. */
  statementTimeoutMs?: number;
  applicationName?: string;
}

export function createPool(url: string, options: DbOptions = {}): pg.Pool {
  const pool = new pg.Pool({
    connectionString: url,
    max: options.max ?? 10,
    idleTimeoutMillis: 30_000,
    connectionTimeoutMillis: 10_000,
    application_name: options.applicationName ?? 'home-services-dashboard',
    statement_timeout: options.statementTimeoutMs ?? 15_000,
  });
  // An idle client losing its server must not crash the process.
  pool.on('error', (err) => console.error('[db] idle client error:', err.message));
  return pool;
}

export function createDb(url: string, options: DbOptions = {}): Kysely<Database> {
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool: createPool(url, options) }) });
}

export type Db = Kysely<Database>;
