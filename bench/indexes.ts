import { sql } from 'kysely';
import type { Db } from '@/db/client';
import { loadMigrationFiles, type SqlMigrationFile } from '@/db/migrator';
import { createdIndexes, splitSqlStatements, stripSqlComments } from '@/db/sql-statements';
import type { RelationSize } from './types';

/**
 * Migration 0002 rolled back and re-applied by its own files, statement by statement, as
 * `psql -f` would: the migrator's `down` reverts only the last migration, and 0003+ sit on top.
 */
export function migration0002(files = loadMigrationFiles()): SqlMigrationFile & { down: string } {
  const file = files.find((f) => f.name.startsWith('0002_'));
  if (!file) throw new Error('migrations/0002_*.sql not found');
  if (!file.down) throw new Error(`${file.name}.down.sql not found`);
  return file as SqlMigrationFile & { down: string };
}

export function indexesOf0002(): { name: string; table: string; statement: string }[] {
  return createdIndexes(migration0002().up);
}

/** Runs 0002_performance_indexes.down.sql; `analyze`: then fresh statistics for the plans without them. */
export async function rollback0002(db: Db, { analyze }: { analyze: boolean }): Promise<void> {
  for (const statement of splitSqlStatements(migration0002().down)) await sql.raw(statement).execute(db);
  if (analyze) await sql`ANALYZE`.execute(db);
}

/**
 * Runs 0002's statements, timing each index; `concurrently: false` strips CONCURRENTLY (plain
 * CREATE INDEX, which holds a SHARE lock: writes to the table wait until the build ends).
 * Does not vacuum: see vacuumAnalyze.
 */
export async function apply0002(
  db: Db,
  { concurrently }: { concurrently: boolean },
): Promise<{ totalMs: number; perIndex: { name: string; ms: number }[] }> {
  const perIndex: { name: string; ms: number }[] = [];
  const started = performance.now();
  for (const statement of splitSqlStatements(migration0002().up)) {
    const text = concurrently ? statement : stripConcurrently(statement);
    const t0 = performance.now();
    await sql.raw(text).execute(db);
    const name = createdIndexes(statement)[0]?.name;
    if (name) perIndex.push({ name, ms: performance.now() - t0 });
  }
  return { totalMs: performance.now() - started, perIndex };
}

export function stripConcurrently(statement: string): string {
  return stripSqlComments(statement)
    .replace(/\bCONCURRENTLY\s+/i, '')
    .trim();
}

/** After a bulk load or an index build: statistics, and all-visible pages for Index Only Scans. */
export async function vacuumAnalyze(db: Db): Promise<void> {
  await sql`VACUUM (ANALYZE)`.execute(db);
}

/** The INVALID or missing indexes of 0002 (a failed concurrent build must not be measured as "with"). */
export async function missingOrInvalid0002(db: Db): Promise<string[]> {
  const names = indexesOf0002().map((i) => i.name);
  const { rows } = await sql<{ name: string }>`
    select c.relname as name from pg_index i join pg_class c on c.oid = i.indexrelid
    where c.relname in (${sql.join(names)}) and i.indisvalid`.execute(db);
  const valid = new Set(rows.map((r) => r.name));
  return names.filter((n) => !valid.has(n));
}

/** pg_relation_size of each table 0002 indexes and of each of its indexes. */
export async function relationSizes(db: Db, counts: Record<string, number>): Promise<RelationSize[]> {
  const indexes = indexesOf0002();
  const tables = [...new Set(indexes.map((i) => i.table))];
  const out: RelationSize[] = [];
  for (const table of tables) {
    const { rows } = await sql<{ name: string; bytes: number }>`
      select c.relname as name, pg_relation_size(c.oid)::int8 as bytes from pg_class c
      where c.relname in (${sql.join([table, ...indexes.filter((i) => i.table === table).map((i) => i.name)])})
        and c.relnamespace = current_schema()::regnamespace`.execute(db);
    const bytes = new Map(rows.map((r) => [r.name, Number(r.bytes)]));
    out.push({
      table,
      rows: counts[table] ?? 0,
      tableBytes: bytes.get(table) ?? 0,
      indexes: indexes.filter((i) => i.table === table).map((i) => ({ name: i.name, bytes: bytes.get(i.name) ?? 0 })),
    });
  }
  return out;
}
