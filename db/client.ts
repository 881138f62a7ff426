import {
  CompiledQuery,
  type DatabaseConnection,
  type Driver,
  Kysely,
  type KyselyConfig,
  PostgresDialect,
  type QueryResult,
  type TransactionSettings,
} from 'kysely';
import pg from 'pg';
import type { Database } from './schema';

// int8 (counts, bigint ids, sums of integers) and numeric (money) arrive as numbers, once, for
// every pool in the process. Values stay far inside 2^53.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));
pg.types.setTypeParser(pg.types.builtins.NUMERIC, (v) => Number(v));

export interface DbOptions {
  /** Pool size; the app's default suits a 2-core machine. */
  max?: number;
  /**
   * Milliseconds; 0 (the default) disables. Applied per transaction (SET LOCAL), never per session,
   * so it works behind a transaction-mode pooler (PgBouncer refuses startup parameters).
   */
  statementTimeoutMs?: number;
  /** Milliseconds a statement waits for a lock before failing with 55P03; 0 disables. Per transaction. */
  lockTimeoutMs?: number;
  /** Milliseconds to wait for a free pool connection (or a new one) before failing; default 10 s. */
  poolWaitMs?: number;
  /** Sent in the startup packet: PgBouncer tracks application_name, so this one is allowed. */
  applicationName?: string;
  /** Kysely's query log hook (tests count where queries ran). */
  log?: KyselyConfig['log'];
  /** Runs on each new connection before the pool hands it out (the bench lifts the time limits). */
  onConnect?: (client: pg.ClientBase) => Promise<unknown>;
}

/** pg-pool's message when no connection came within `connectionTimeoutMillis`. */
export const POOL_TIMEOUT_MESSAGE = 'timeout exceeded when trying to connect';

export function createPool(url: string, options: DbOptions = {}): pg.Pool {
  const pool = new pg.Pool({
    connectionString: url,
    max: options.max ?? 10,
    idleTimeoutMillis: 30_000,
    // Bounds both opening a connection and waiting in the queue for a busy pool.
    connectionTimeoutMillis: options.poolWaitMs ?? 10_000,
    application_name: options.applicationName ?? 'home-services-dashboard',
    onConnect: options.onConnect,
  });
  // An idle client losing its server must not crash the process.
  pool.on('error', (err) => console.error('[db] idle client error:', err.message));
  return pool;
}

export function createDb(url: string, options: DbOptions = {}): Kysely<Database> {
  const pool = createPool(url, options);
  const limits = limitStatements(options);
  const dialect = limits ? new LimitedPostgresDialect({ pool }, limits) : new PostgresDialect({ pool });
  return new Kysely<Database>({ dialect, log: options.log });
}

export type Db = Kysely<Database>;

/**
 * `set local ...` statements for the limits, or null when there are none. Integers only, so the
 * string is safe to send as one simple-protocol query together with BEGIN.
 */
function limitStatements(options: DbOptions): Limits | null {
  const parts: string[] = [];
  const st = Math.max(0, Math.trunc(options.statementTimeoutMs ?? 0));
  const lt = Math.max(0, Math.trunc(options.lockTimeoutMs ?? 0));
  if (st > 0) parts.push(`set local statement_timeout = ${st}`);
  if (lt > 0) parts.push(`set local lock_timeout = ${lt}`);
  return parts.length ? { sql: parts.join('; '), statementTimeoutMs: st, lockTimeoutMs: lt } : null;
}

interface Limits {
  /** `set local ...` for both limits, one simple-protocol string. */
  sql: string;
  statementTimeoutMs: number;
  lockTimeoutMs: number;
}

/**
 * Whether the server already applies exactly these limits to every statement of this connection
 * without our help: the role's, database's or server's defaults (`ALTER ROLE app SET
 * statement_timeout = '10s'`, as README's Deploying section suggests), not a session's own SET
 * (a pooler may hand the next transaction another backend, which has the same role and database
 * defaults but not this session's SETs). Then a lone query needs no begin / set local / commit
 * around it: one round trip instead of three (issue 23), with the same limits in force. Equal
 * values only, so a lone query's limits never differ from a transaction's.
 */
const DEFAULTS_QUERY = CompiledQuery.raw(
  `select name, setting, source from pg_settings where name in ('statement_timeout', 'lock_timeout')`,
);
async function defaultsCover(conn: DatabaseConnection, limits: Limits): Promise<boolean> {
  const { rows } = await conn.executeQuery<{ name: string; setting: string; source: string }>(DEFAULTS_QUERY);
  const covered = (name: string, ms: number) => {
    if (ms === 0) return true;
    const row = rows.find((r) => r.name === name);
    return !!row && Number(row.setting) === ms && !SESSION_SOURCES.has(row.source);
  };
  return covered('statement_timeout', limits.statementTimeoutMs) && covered('lock_timeout', limits.lockTimeoutMs);
}
/** pg_settings.source values that belong to this session alone, not to every backend of the role. */
const SESSION_SOURCES = new Set(['session', 'client', 'override']);

/**
 * PostgreSQL with time limits that live only as long as a transaction, so nothing depends on the
 * server session (a transaction-mode pooler hands each transaction to any backend):
 *  - a Kysely transaction opens with `begin; set local ...` in ONE round trip (simple protocol);
 *  - a lone query runs as `begin; set local ...` / the query / `commit`: two extra round trips,
 *    measured in the README (Deploying). A plain `SET` would leak to the pooler's next client.
 *    Unless the role or database defaults already are these limits (defaultsCover, checked once
 *    per connection): then the lone query runs as it is.
 * A caller's own `set_config(..., true)` later in the transaction (the Database page's 0.5 s guard)
 * overrides these for its transaction only.
 */
class LimitedPostgresDialect extends PostgresDialect {
  constructor(
    config: ConstructorParameters<typeof PostgresDialect>[0],
    private readonly limits: Limits,
  ) {
    super(config);
  }

  override createDriver(): Driver {
    return new LimitedDriver(super.createDriver(), this.limits);
  }
}

class LimitedConnection implements DatabaseConnection {
  inTransaction = false;
  /** The server's defaults are these limits (defaultsCover): lone queries need no transaction. */
  covered = false;
  constructor(
    readonly inner: DatabaseConnection,
    private readonly limits: Limits,
  ) {}

  async executeQuery<R>(compiled: CompiledQuery): Promise<QueryResult<R>> {
    if (this.inTransaction || this.covered) return this.inner.executeQuery<R>(compiled);
    await this.inner.executeQuery(CompiledQuery.raw(`begin; ${this.limits.sql}`));
    let result: QueryResult<R>;
    try {
      result = await this.inner.executeQuery<R>(compiled);
    } catch (err) {
      await this.inner.executeQuery(CompiledQuery.raw('rollback')).catch(() => {});
      throw err;
    }
    await this.inner.executeQuery(CompiledQuery.raw('commit'));
    return result;
  }

  async *streamQuery<R>(compiled: CompiledQuery, chunkSize?: number): AsyncIterableIterator<QueryResult<R>> {
    if (this.inTransaction || this.covered) {
      yield* this.inner.streamQuery<R>(compiled, chunkSize);
      return;
    }
    await this.inner.executeQuery(CompiledQuery.raw(`begin; ${this.limits.sql}`));
    try {
      yield* this.inner.streamQuery<R>(compiled, chunkSize);
    } catch (err) {
      await this.inner.executeQuery(CompiledQuery.raw('rollback')).catch(() => {});
      throw err;
    }
    await this.inner.executeQuery(CompiledQuery.raw('commit'));
  }
}

class LimitedDriver implements Driver {
  private readonly wrappers = new WeakMap<DatabaseConnection, LimitedConnection>();
  constructor(
    private readonly inner: Driver,
    private readonly limits: Limits,
  ) {}

  init() {
    return this.inner.init();
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    const conn = await this.inner.acquireConnection();
    let wrapped = this.wrappers.get(conn);
    if (!wrapped) {
      wrapped = new LimitedConnection(conn, this.limits);
      // Once per connection: a failure here (a dead connection) is the first query's to report.
      wrapped.covered = await defaultsCover(conn, this.limits).catch(() => false);
      this.wrappers.set(conn, wrapped);
    }
    wrapped.inTransaction = false;
    return wrapped;
  }

  async beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    const c = connection as LimitedConnection;
    let begin = 'start transaction';
    if (settings.isolationLevel) begin += ` isolation level ${settings.isolationLevel}`;
    if (settings.accessMode) begin += ` ${settings.accessMode}`;
    await c.inner.executeQuery(CompiledQuery.raw(`${begin}; ${this.limits.sql}`));
    c.inTransaction = true;
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    const c = connection as LimitedConnection;
    try {
      await this.inner.commitTransaction(c.inner);
    } finally {
      c.inTransaction = false;
    }
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    const c = connection as LimitedConnection;
    try {
      await this.inner.rollbackTransaction(c.inner);
    } finally {
      c.inTransaction = false;
    }
  }

  savepoint(connection: DatabaseConnection, name: string, compile: Parameters<NonNullable<Driver['savepoint']>>[2]) {
    return this.inner.savepoint!((connection as LimitedConnection).inner, name, compile);
  }

  rollbackToSavepoint(connection: DatabaseConnection, name: string, compile: Parameters<NonNullable<Driver['savepoint']>>[2]) {
    return this.inner.rollbackToSavepoint!((connection as LimitedConnection).inner, name, compile);
  }

  releaseSavepoint(connection: DatabaseConnection, name: string, compile: Parameters<NonNullable<Driver['savepoint']>>[2]) {
    return this.inner.releaseSavepoint!((connection as LimitedConnection).inner, name, compile);
  }

  releaseConnection(connection: DatabaseConnection): Promise<void> {
    return this.inner.releaseConnection((connection as LimitedConnection).inner);
  }

  destroy() {
    return this.inner.destroy();
  }
}
