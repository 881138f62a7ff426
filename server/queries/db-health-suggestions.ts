import { sql } from 'kysely';
import { createDb, type Db } from '@/db/client';
import type { PlanNode } from '@/db/plan';
import { candidateColumns, indexDefinition, scannedColumns } from './db-health-candidates';
import {
  blockingLocks,
  DEFAULT_GUARD,
  describeError,
  describeLock,
  type Guard,
  guarded,
  LOCK_NOT_AVAILABLE,
  QUERY_CANCELED,
  setLimits,
  sqlState,
  type Trx,
} from './db-health-guard';
import { appSubjects, hypopgState, statementSubjects, type Subject, tableInfo, type TableInfo } from './db-health-suggestion-subjects';

// Verified index suggestions: for each query, candidate indexes read off its plan are created as
// HypoPG hypothetical indexes (in the memory of one server session, never on disk), the query is
// planned again, and an index is suggested only when the planner uses it and the cost at least
// halves. Suggestions only: nothing is ever created. Hypothetical indexes belong to the session
// that made them, so this runs on its own direct connection (a pooler would hand them to the
// app's next transaction), resets them after each query, and closes the session at the end.

/** An index is suggested only if the planner's cost estimate drops by at least this share. */
export const MIN_SAVINGS = 0.5;
/** Tables with fewer rows than this (pg_class.reltuples) get no candidates: a scan is cheap. */
export const MIN_TABLE_ROWS = 1_000;

export interface HypotheticalIndex {
  table: string;
  columns: string[];
  /** What to run, if you decide to: CREATE INDEX CONCURRENTLY ... */
  definition: string;
  /** hypopg_relation_size: the planner's estimate of the index's size. */
  sizeBytes: number;
  /** The write cost: each insert and each non-HOT update of the table writes one more index entry. */
  writes: { inserts: number; updates: number; indexes: number; since: Date | null };
}

export interface SuggestionReport {
  key: string;
  source: 'app' | 'statements';
  label: string;
  query: string;
  status: 'suggested' | 'indexed' | 'no-gain' | 'skipped' | 'error';
  /** In words: what was tried and what the planner made of it. */
  detail: string;
  costBefore: number | null;
  costAfter: number | null;
  /** The candidates created hypothetically. */
  tried: string[];
  indexes: HypotheticalIndex[];
}

export type SuggestionSection =
  { available: true; minSavings: number; reports: SuggestionReport[] } | { available: false; reason: string; enable: string | null };

const INSTALL = `-- Debian/Ubuntu (the server's major version):
--   apt-get install postgresql-15-hypopg
-- then, in this database:
CREATE EXTENSION IF NOT EXISTS hypopg;`;

function indexesUsed(root: PlanNode): Set<string> {
  const out = new Set<string>();
  const walk = (n: PlanNode) => {
    if (n['Index Name']) out.add(n['Index Name']);
    n.Plans?.forEach(walk);
  };
  walk(root);
  return out;
}

async function writesOf(trx: Trx, table: string): Promise<HypotheticalIndex['writes']> {
  const { rows } = await sql<HypotheticalIndex['writes']>`
    select coalesce(s.n_tup_ins, 0)::float8 as inserts, coalesce(s.n_tup_upd - s.n_tup_hot_upd, 0)::float8 as updates,
           (select count(*) from pg_index i where i.indrelid = c.oid)::int as indexes,
           (select stats_reset from pg_stat_database where datname = current_database()) as since
      from pg_class c left join pg_stat_user_tables s on s.relid = c.oid
     where c.relnamespace = current_schema()::regnamespace and c.relname = ${table}`.execute(trx);
  return rows[0] ?? { inserts: 0, updates: 0, indexes: 0, since: null };
}

async function trySubject(trx: Trx, s: Subject, tables: Map<string, TableInfo>): Promise<Omit<SuggestionReport, keyof SubjectFields>> {
  const explain = await s.prepare(trx);
  if (!explain) return untried('skipped', 'No data to pick parameters from.');
  const before = await explain();
  const costBefore = before['Total Cost'] ?? 0;
  const scans = scannedColumns(
    before,
    (t) => tables.get(t)?.columns ?? [],
    (t) => (tables.get(t)?.rows ?? 0) >= MIN_TABLE_ROWS,
  );
  const candidates = scans.flatMap((sc) => candidateColumns(sc).map((columns) => ({ table: sc.table, columns })));
  if (!candidates.length) {
    const detail = `Reads no table of ${MIN_TABLE_ROWS.toLocaleString('en-US')} rows or more in full: nothing to try.`;
    return { ...untried('indexed', detail), costBefore };
  }
  const created: Array<{ table: string; columns: string[]; oid: string; name: string }> = [];
  for (const c of candidates) {
    const { rows } = await sql<{ oid: string; name: string }>`
      select indexrelid::text as oid, indexname as name from hypopg_create_index(${indexDefinition(c.table, c.columns)})`.execute(trx);
    created.push({ ...c, ...rows[0]! });
  }
  const after = await explain();
  const costAfter = after['Total Cost'] ?? 0;
  const used = indexesUsed(after);
  const picked = created.filter((c) => used.has(c.name));
  const tried = created.map((c) => indexDefinition(c.table, c.columns));
  const saved = costBefore > 0 ? 1 - costAfter / costBefore : 0;
  if (!picked.length || saved < MIN_SAVINGS) {
    return {
      costBefore,
      costAfter,
      tried,
      indexes: [],
      status: 'no-gain',
      detail: !picked.length
        ? `The planner used none of the ${created.length} hypothetical ${created.length === 1 ? 'index' : 'indexes'}: a scan stays cheaper.`
        : `The best hypothetical index lowers the cost by ${Math.round(saved * 100)}% only (a suggestion needs ${MIN_SAVINGS * 100}%).`,
    };
  }
  const indexes: HypotheticalIndex[] = [];
  for (const p of picked) {
    const size = await sql<{ bytes: number }>`select hypopg_relation_size(${p.oid}::oid)::float8 as bytes`.execute(trx);
    indexes.push({
      table: p.table,
      columns: p.columns,
      definition: indexDefinition(p.table, p.columns, true),
      sizeBytes: size.rows[0]?.bytes ?? 0,
      writes: await writesOf(trx, p.table),
    });
  }
  return {
    costBefore,
    costAfter,
    tried,
    indexes,
    status: 'suggested',
    detail: `With ${picked.length === 1 ? 'this index' : 'these indexes'} the planner's cost drops by ${Math.round(saved * 100)}%.`,
  };
}

const untried = (status: SuggestionReport['status'], detail: string): Omit<SuggestionReport, keyof SubjectFields> => ({
  status,
  detail,
  costBefore: null,
  costAfter: null,
  tried: [],
  indexes: [],
});

/** Why a query could not be tried. A statement's normalized text ($1 for each constant) may not plan. */
function failed(s: Subject, err: unknown, guard: Guard) {
  const code = sqlState(err);
  return s.source === 'statements' && code !== LOCK_NOT_AVAILABLE && code !== QUERY_CANCELED
    ? untried(
        'skipped',
        `Not planned: pg_stat_statements keeps this text with $1, $2… in place of its constants, and that does not plan (${describeError(err, guard)}).`,
      )
    : untried('error', `Could not plan it: ${describeError(err, guard)}.`);
}

type SubjectFields = Pick<SuggestionReport, 'key' | 'source' | 'label' | 'query'>;

/**
 * Index suggestions for the dashboard's queries and pg_stat_statements' top statements, verified
 * with HypoPG on a session of `directUrl` (never the pooled `db`), which is closed afterwards.
 */
export async function readIndexSuggestions(
  db: Db,
  directUrl: string | null | undefined,
  guard: Guard = DEFAULT_GUARD,
): Promise<{ data: SuggestionSection; problems: string[] }> {
  const state = await guarded(db, hypopgState, guard).catch(() => ({ installed: false, available: false }));
  if (!state.installed) {
    return {
      data: {
        available: false,
        reason: state.available
          ? 'HypoPG is on this server but its extension is not created in this database, so suggestions cannot be verified and none are shown.'
          : 'HypoPG is not installed on this server (the embedded database has none), so suggestions cannot be verified and none are shown.',
        enable: state.available ? 'CREATE EXTENSION IF NOT EXISTS hypopg;' : INSTALL,
      },
      problems: [],
    };
  }
  if (!directUrl) {
    return {
      data: {
        available: false,
        reason: 'Hypothetical indexes live in one server session: set DIRECT_DATABASE_URL to a direct (non-pooled) connection.',
        enable: null,
      },
      problems: [],
    };
  }
  const locks = await guarded(db, blockingLocks, guard);
  const problems = locks.length ? [`Some queries not tried: ${locks.map(describeLock).join('; ')}.`] : [];
  const statements = await statementSubjects(db, guard).catch((err: unknown) => {
    problems.push(`pg_stat_statements' top statements not tried: ${describeError(err, guard)}.`);
    return [];
  });
  const subjects = [...appSubjects(), ...statements];
  const session = createDb(directUrl, { max: 1, applicationName: 'dashboard:index-suggestions' });
  try {
    const reports = await session.connection().execute(async (conn) => {
      const tables = await guarded(conn, tableInfo, guard);
      const out: SuggestionReport[] = [];
      for (const s of subjects) {
        const fields: SubjectFields = { key: s.key, source: s.source, label: s.label, query: s.query };
        const blocked = locks.filter((l) => (s.tables ? s.tables.includes(l.table) : new RegExp(`\\b${l.table}\\b`, 'i').test(s.query)));
        if (blocked.length) {
          out.push({ ...fields, ...untried('skipped', `Not tried: ${blocked.map(describeLock).join('; ')}.`) });
          continue;
        }
        try {
          const r = await conn
            .transaction()
            .setAccessMode('read only')
            .execute(async (trx) => {
              await setLimits(trx, guard);
              return trySubject(trx, s, tables);
            });
          out.push({ ...fields, ...r });
        } catch (err) {
          out.push({ ...fields, ...failed(s, err, guard) });
        } finally {
          // Outside any transaction, on the same session: no hypothetical index or prepared
          // statement carries over to the next query.
          await sql`select hypopg_reset()`.execute(conn);
          await sql`deallocate all`.execute(conn);
        }
      }
      return out;
    });
    return { data: { available: true, minSavings: MIN_SAVINGS, reports }, problems };
  } finally {
    await session.destroy();
  }
}
