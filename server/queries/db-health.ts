import { sql } from 'kysely';
import type { Db } from '@/db/client';
import {
  blockingLocks,
  describeError,
  describeLock,
  type Guard,
  DEFAULT_GUARD,
  guarded,
  LOCK_NOT_AVAILABLE,
  sqlState,
} from './db-health-guard';

// The database health page's catalog reads: tables and pg_stat_statements. Indexes live in
// db-health-indexes.ts, the app's query plans in db-health-queries.ts. Every read runs through
// `guarded` (short lock_timeout and statement_timeout in a read-only transaction) and answers with
// what it could not read rather than waiting behind a lock.

export interface TableReport {
  name: string;
  internal: boolean;
  /** pg_class.reltuples: the planner's estimate as of the last VACUUM/ANALYZE (null: never analyzed). */
  estimatedRows: number | null;
  liveRows: number | null;
  deadRows: number | null;
  tableBytes: number;
  indexBytes: number;
  /** True when the sizes are relpages x block size (the table is locked): as of the last VACUUM/ANALYZE. */
  sizesEstimated: boolean;
  /** pg_class.relallvisible / relpages: what an Index Only Scan can skip the heap for. */
  allVisibleShare: number | null;
  lastVacuum: Date | null;
  lastAutovacuum: Date | null;
  lastAnalyze: Date | null;
  lastAutoanalyze: Date | null;
}

export interface TableSection {
  tables: TableReport[];
  locks: string[];
}

async function readTables(db: Db, locked: string[], allLocked: boolean, guard: Guard) {
  return guarded(
    db,
    async (trx) => {
      const { rows } = await sql<
        Omit<TableReport, 'internal' | 'sizesEstimated' | 'tableBytes' | 'indexBytes'> & {
          tableBytes: number | null;
          indexBytes: number | null;
          estTableBytes: number;
          estIndexBytes: number;
        }
      >`
        select c.relname as name,
               case when c.reltuples < 0 then null else c.reltuples::float8 end as "estimatedRows",
               s.n_live_tup as "liveRows", s.n_dead_tup as "deadRows",
               case when lk.locked then null else pg_table_size(c.oid) end as "tableBytes",
               case when lk.locked then null else pg_indexes_size(c.oid) end as "indexBytes",
               c.relpages::int8 * current_setting('block_size')::int8 as "estTableBytes",
               coalesce((select sum(ci.relpages) from pg_index i join pg_class ci on ci.oid = i.indexrelid where i.indrelid = c.oid), 0)::int8
                 * current_setting('block_size')::int8 as "estIndexBytes",
               case when pages.n > 0 then least(1, c.relallvisible::float8 / pages.n) end as "allVisibleShare",
               s.last_vacuum as "lastVacuum", s.last_autovacuum as "lastAutovacuum",
               s.last_analyze as "lastAnalyze", s.last_autoanalyze as "lastAutoanalyze"
          from pg_class c
          join pg_namespace n on n.oid = c.relnamespace
          cross join lateral (select ${allLocked}::boolean or c.relname = any(${locked}::text[]) as locked) lk
          -- Current size where it can be read: pages added since the last VACUUM are not all-visible.
          cross join lateral (select case when lk.locked then c.relpages::int8
                                          else pg_relation_size(c.oid) / current_setting('block_size')::int8 end as n) pages
          left join pg_stat_user_tables s on s.relid = c.oid
         where n.nspname = current_schema() and c.relkind in ('r', 'p')
         order by c.relname`.execute(trx);
      return rows;
    },
    guard,
  );
}

export async function readTableSection(db: Db, guard: Guard = DEFAULT_GUARD): Promise<{ data: TableSection; problems: string[] }> {
  const problems: string[] = [];
  const locks = await guarded(db, blockingLocks, guard);
  const locked = [...new Set(locks.map((l) => l.table))];
  if (locked.length) problems.push(`Exact sizes skipped for ${locked.join(', ')}: ${locks.map(describeLock).join('; ')}.`);
  let rows;
  try {
    rows = await readTables(db, locked, false, guard);
  } catch (err) {
    if (sqlState(err) !== LOCK_NOT_AVAILABLE) throw err;
    problems.push(`Exact sizes skipped: ${describeError(err, guard)}.`);
    rows = await readTables(db, locked, true, guard);
  }
  const tables = rows.map(({ estTableBytes, estIndexBytes, tableBytes, indexBytes, ...r }) => ({
    ...r,
    internal: /^(auth_|kysely_)/.test(r.name),
    tableBytes: tableBytes ?? estTableBytes,
    indexBytes: indexBytes ?? estIndexBytes,
    sizesEstimated: tableBytes === null,
  }));
  return { data: { tables, locks: locks.map(describeLock) }, problems };
}

// ---- pg_stat_statements ----------------------------------------------------------------------

export interface SlowQuery {
  queryId: string;
  query: string;
  calls: number;
  totalMs: number;
  meanMs: number;
  maxMs: number;
  rows: number;
  sharedHit: number;
  sharedRead: number;
  /** Mean at or above SLOW_MEAN_MS. */
  slow: boolean;
}

export const SLOW_MEAN_MS = 100;

export type SlowQuerySection =
  { available: true; since: Date | null; queries: SlowQuery[] } | { available: false; reason: string; enable: string };

const PRELOAD_STEP = `-- 1. postgresql.conf (keep any libraries already listed), then restart PostgreSQL:
shared_preload_libraries = 'pg_stat_statements'
--    or, from psql as a superuser (also needs the restart):
-- ALTER SYSTEM SET shared_preload_libraries = 'pg_stat_statements';
`;
const CREATE_STEP = `-- in this database:
CREATE EXTENSION IF NOT EXISTS pg_stat_statements;`;

/** The statements that took the most time in this database (pg_stat_statements), or how to enable it. */
export async function readSlowQueries(db: Db, guard: Guard = DEFAULT_GUARD, limit = 20): Promise<SlowQuerySection> {
  const state = await guarded(
    db,
    async (trx) =>
      (
        await sql<{ installed: boolean; preload: string }>`
          select exists (select 1 from pg_extension where extname = 'pg_stat_statements') as installed,
                 current_setting('shared_preload_libraries') as preload`.execute(trx)
      ).rows[0]!,
    guard,
  );
  const preloaded = state.preload.split(',').some((l) => l.trim().replace(/^"|"$/g, '') === 'pg_stat_statements');
  if (!preloaded) {
    return {
      available: false,
      reason: `pg_stat_statements is not in shared_preload_libraries${state.preload ? ` (currently: ${state.preload})` : ' (currently empty)'}, so PostgreSQL records no per-statement timings.`,
      enable: `${PRELOAD_STEP}${state.installed ? '' : `-- 2. ${CREATE_STEP.slice(3)}`}`,
    };
  }
  if (!state.installed) {
    return {
      available: false,
      reason: 'pg_stat_statements is loaded but the extension is not created in this database.',
      enable: CREATE_STEP,
    };
  }
  return guarded(
    db,
    async (trx) => {
      const { rows } = await sql<Omit<SlowQuery, 'slow'>>`
        select s.queryid::text as "queryId", left(s.query, 4000) as query, s.calls,
               s.total_exec_time::float8 as "totalMs", s.mean_exec_time::float8 as "meanMs", s.max_exec_time::float8 as "maxMs",
               s.rows, s.shared_blks_hit as "sharedHit", s.shared_blks_read as "sharedRead"
          from pg_stat_statements s
         where s.dbid = (select oid from pg_database where datname = current_database())
           and s.query !~* '^[[:space:]]*(explain|begin|commit|rollback|set |select set_config)'
         order by s.total_exec_time desc
         limit ${limit}`.execute(trx);
      const since = await sql<{ since: Date | null }>`select stats_reset as since from pg_stat_statements_info`
        .execute(trx)
        .then((r) => r.rows[0]?.since ?? null)
        .catch(() => null);
      return { available: true as const, since, queries: rows.map((r) => ({ ...r, slow: r.meanMs >= SLOW_MEAN_MS })) };
    },
    guard,
  );
}
