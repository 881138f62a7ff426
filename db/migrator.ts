import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Kysely, type Migration, type MigrationProvider, type MigrationResultSet, Migrator, sql } from 'kysely';
import { createdIndexes, droppedIndexes, type IndexStatement, splitSqlStatements, stripSqlComments } from './sql-statements';
import { migrationMarker } from './statement-markers';

export const MIGRATIONS_DIR = fileURLToPath(new URL('../migrations/', import.meta.url));

/** Session-level advisory lock key shared by every migrator ("hsdmigr" in ASCII). */
const MIGRATION_LOCK_KEY = 0x6873646d69677272n;

export interface SqlMigrationFile {
  name: string;
  up: string;
  down: string | null;
  /** False when the file uses CONCURRENTLY, which cannot run inside a transaction block. */
  transactional: boolean;
}

export function loadMigrationFiles(dir = MIGRATIONS_DIR): SqlMigrationFile[] {
  return readdirSync(dir)
    .filter((f) => /^\d{4}_[\w-]+\.sql$/.test(f) && !f.endsWith('.down.sql'))
    .sort()
    .map((file) => {
      const name = file.replace(/\.sql$/, '');
      const up = readFileSync(path.join(dir, file), 'utf8');
      const downPath = path.join(dir, `${name}.down.sql`);
      return {
        name,
        up,
        down: existsSync(downPath) ? readFileSync(downPath, 'utf8') : null,
        transactional: !/\bCONCURRENTLY\b/i.test(stripSqlComments(up)),
      };
    });
}

export type MigrationLog = (line: string) => void;

/** A failing statement, named, so the operator sees which line of which file broke. */
export class MigrationStatementError extends Error {
  constructor(
    readonly migration: string,
    readonly statement: string,
    readonly cause: unknown,
  ) {
    super(`${migration}: ${cause instanceof Error ? cause.message : String(cause)}\n  in statement:\n${indent(statement)}`);
  }
}

async function runStatements(db: Kysely<any>, migration: string, source: string): Promise<void> {
  for (const statement of splitSqlStatements(source)) {
    try {
      // Marked, so pg_stat_statements tells the migrator's statements from the app's.
      await sql.raw(`${migrationMarker(migration)} ${statement}`).execute(db);
    } catch (err) {
      throw new MigrationStatementError(migration, statement, err);
    }
  }
}

async function runFile(db: Kysely<any>, migration: string, source: string, transactional: boolean) {
  if (transactional) {
    // All or nothing: a failure anywhere in the file leaves no trace of it.
    await db.transaction().execute((trx) => runStatements(trx, migration, source));
  } else {
    await runStatements(db, migration, source);
  }
}

class SqlFileProvider implements MigrationProvider {
  constructor(
    private readonly files: SqlMigrationFile[],
    private readonly log: MigrationLog,
  ) {}

  async getMigrations(): Promise<Record<string, Migration>> {
    const migrations: Record<string, Migration> = {};
    for (const file of this.files) {
      migrations[file.name] = {
        up: (db) => this.timed(file.name, 'up', () => runFile(db, file.name, file.up, file.transactional)),
        down: (db) => {
          if (file.down === null) throw new Error(`${file.name} has no ${file.name}.down.sql: it cannot be reverted`);
          const down = file.down;
          return this.timed(file.name, 'down', () => runFile(db, file.name, down, !/\bCONCURRENTLY\b/i.test(stripSqlComments(down))));
        },
      };
    }
    return migrations;
  }

  private async timed(name: string, direction: string, fn: () => Promise<void>) {
    const started = performance.now();
    this.log(`  ${direction === 'up' ? '↑' : '↓'} ${name} (${direction}) ...`);
    await fn();
    this.log(`  ✓ ${name} (${direction}) in ${formatMs(performance.now() - started)}`);
  }
}

export interface RunOptions {
  direction?: 'up' | 'down';
  /**
   * Stop at this migration (its full name, or the name without its number: "performance_indexes").
   * up: apply the pending ones up to and including it. down: revert every one applied after it
   * (it stays applied). Without it: up applies all pending, down reverts the last one.
   */
  to?: string;
  log?: MigrationLog;
  files?: SqlMigrationFile[];
}

export interface RunResult {
  results: MigrationResultSet['results'];
  repaired: string[];
}

/**
 * Applies pending migrations (or reverts the last one) on ONE connection holding a session-level
 * advisory lock for the whole run: Kysely 0.28's own lock is transaction-scoped, and with
 * `disableTransactions` (needed for CREATE INDEX CONCURRENTLY) it is released at once (kysely#1894).
 * Transactional files still run in their own transaction (see runFile). After an `up`, indexes of
 * applied migrations that are missing or INVALID (an interrupted concurrent build) are rebuilt.
 */
export async function runMigrations(db: Kysely<any>, options: RunOptions = {}): Promise<RunResult> {
  const log = options.log ?? (() => {});
  const files = options.files ?? loadMigrationFiles();
  return db.connection().execute(async (conn) => {
    await acquireSessionLock(conn, log);
    try {
      const migrator = new Migrator({ db: conn, provider: new SqlFileProvider(files, log), disableTransactions: true });
      const resultSet = await migrateAsAsked(migrator, options);
      if (resultSet.error) throw resultSet.error;
      const repaired = options.direction === 'down' ? [] : await repairIndexes(conn, files, log);
      return { results: resultSet.results, repaired };
    } finally {
      await sql`select pg_advisory_unlock(${sql.lit(MIGRATION_LOCK_KEY)})`.execute(conn);
    }
  });
}

/** The full name `to` means: an exact name, or a unique name without its number prefix. */
export function resolveMigrationName(names: readonly string[], to: string): string {
  if (names.includes(to)) return to;
  const matches = names.filter((n) => n.replace(/^\d+_/, '') === to);
  if (matches.length === 1) return matches[0]!;
  throw new Error(`No migration named "${to}". Known: ${names.join(', ')}`);
}

async function migrateAsAsked(migrator: Migrator, options: RunOptions): Promise<MigrationResultSet> {
  const down = options.direction === 'down';
  if (options.to === undefined) return down ? migrator.migrateDown() : migrator.migrateToLatest();
  // Read inside the lock, so the check and the run see the same state.
  const all = await migrator.getMigrations();
  const target = resolveMigrationName(
    all.map((m) => m.name),
    options.to,
  );
  const applied = all.find((m) => m.name === target)!.executedAt !== undefined;
  if (down && !applied) throw new Error(`${target} is not applied: down --to reverts the migrations applied after it.`);
  // Kysely's migrateTo goes either way; `up` must never revert, so an applied target is nothing to do.
  if (!down && applied) return { results: [] };
  return migrator.migrateTo(target);
}

/**
 * Polls pg_try_advisory_lock rather than blocking in pg_advisory_lock: a session blocked inside a
 * statement holds a snapshot, and CREATE INDEX CONCURRENTLY in the lock holder waits for every
 * snapshot to go away — the two migrators would deadlock.
 */
async function acquireSessionLock(conn: Kysely<any>, log: MigrationLog, timeoutMs = 30 * 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let announced = false;
  for (;;) {
    const { rows } = await sql<{ ok: boolean }>`select pg_try_advisory_lock(${sql.lit(MIGRATION_LOCK_KEY)}) as ok`.execute(conn);
    if (rows[0]?.ok) return;
    if (!announced) {
      log('  Another migrator is running: waiting for it to finish…');
      announced = true;
    }
    if (Date.now() > deadline) throw new Error('Timed out waiting for the migration lock held by another migrator');
    await new Promise((r) => setTimeout(r, 200));
  }
}

export interface IndexHealth {
  name: string;
  table: string;
  migration: string;
  state: 'valid' | 'invalid' | 'missing';
  statement: string;
}

/** Applied migrations, in order, with when they ran. */
export async function migrationStatus(db: Kysely<any>, files = loadMigrationFiles()) {
  const migrator = new Migrator({ db, provider: new SqlFileProvider(files, () => {}) });
  return migrator.getMigrations();
}

/**
 * Every index the migrations create (and a later one does not drop), with its state in the database.
 * `appliedOnly`: only those of applied migrations (what `migrate` repairs); otherwise all of them,
 * pending ones included (what `migrate status` demands).
 */
export async function expectedIndexHealth(
  db: Kysely<any>,
  files = loadMigrationFiles(),
  { appliedOnly = true } = {},
): Promise<IndexHealth[]> {
  const applied = new Set((await migrationStatus(db, files)).filter((m) => m.executedAt).map((m) => m.name));
  const expected = new Map<string, IndexStatement & { migration: string }>();
  for (const file of files) {
    if (appliedOnly && !applied.has(file.name)) continue;
    for (const dropped of droppedIndexes(file.up)) expected.delete(dropped);
    for (const idx of createdIndexes(file.up)) expected.set(idx.name, { ...idx, migration: file.name });
  }
  if (expected.size === 0) return [];
  const { rows } = await sql<{ name: string; valid: boolean }>`
    select c.relname as name, i.indisvalid as valid
    from pg_index i join pg_class c on c.oid = i.indexrelid join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = current_schema() and c.relname in (${sql.join([...expected.keys()])})`.execute(db);
  const state = new Map(rows.map((r) => [r.name, r.valid ? 'valid' : 'invalid'] as const));
  return [...expected.values()].map((e) => ({
    name: e.name,
    table: e.table,
    migration: e.migration,
    statement: e.statement,
    state: state.get(e.name) ?? 'missing',
  }));
}

async function repairIndexes(db: Kysely<any>, files: SqlMigrationFile[], log: MigrationLog): Promise<string[]> {
  const broken = (await expectedIndexHealth(db, files)).filter((i) => i.state !== 'valid');
  for (const idx of broken) {
    const started = performance.now();
    log(`  ! ${idx.name} is ${idx.state.toUpperCase()}: rebuilding`);
    if (idx.state === 'invalid') await sql.raw(`DROP INDEX CONCURRENTLY IF EXISTS ${idx.name}`).execute(db);
    try {
      await sql.raw(idx.statement).execute(db);
    } catch (err) {
      throw new MigrationStatementError(idx.migration, idx.statement, err);
    }
    log(`  ✓ ${idx.name} rebuilt in ${formatMs(performance.now() - started)}`);
  }
  return broken.map((i) => i.name);
}

export function formatMs(ms: number): string {
  return ms < 1000 ? `${ms.toFixed(0)} ms` : `${(ms / 1000).toFixed(2)} s`;
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((l) => `    ${l}`)
    .join('\n');
}
