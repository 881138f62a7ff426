import { type Kysely, sql } from 'kysely';
import type { Db } from '@/db/client';
import type { Database } from '@/db/schema';
import { BLOAT_MIN_BYTES, BLOAT_MIN_PCT, type BloatEstimate, estimateBtreeBloat } from './db-health-bloat';
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
import { migrationIndexOwners } from './db-health-owners';
import { type Finding, findingsFor, quoteIdent } from './db-health-index-findings';
import { findRedundant, type IndexShape } from './db-health-redundancy';

export interface IndexReport {
  name: string;
  table: string;
  method: string;
  unique: boolean;
  primary: boolean;
  valid: boolean;
  /** auth_* and kysely_* tables: the auth library's and the migrator's, not the app's own. */
  internal: boolean;
  /** null when the table is locked (pg_get_indexdef would wait for the lock). */
  definition: string | null;
  sizeBytes: number;
  /** True when sizeBytes is relpages x block size (the table is locked): as of the last VACUUM/ANALYZE. */
  sizeEstimated: boolean;
  scans: number | null;
  tuplesRead: number | null;
  tuplesFetched: number | null;
  /** The migration that creates this index (so `npm run migrate` rebuilds it), if any. */
  migration: string | null;
  bloat: { pct: number; bytes: number } | null;
  /** Covering (INCLUDE) indexes: the share of the table's pages marked all-visible (Index Only Scan needs them). */
  allVisibleShare: number | null;
  findings: Finding[];
}

export interface IndexSection {
  indexes: IndexReport[];
  /** Indexes a migration creates that are not in the database. */
  missing: Array<{ name: string; table: string; migration: string; finding: Finding }>;
  /** pg_stat_database.stats_reset: scan counts start here (null: never reset since the cluster was created). */
  statsReset: Date | null;
  /** True on a standby: its scan counts are its own, not the primary's. */
  inRecovery: boolean;
  locks: string[];
}

/** A covering index whose table has fewer all-visible pages than this gets a VACUUM suggestion. */
export const ALL_VISIBLE_MIN_SHARE = 0.9;

const INTERNAL_TABLE = /^(auth_|kysely_)/;

/** The catalog facts of one index: IndexShape's identity and flags, and what the findings need besides. */
interface IndexRow extends Pick<
  IndexShape,
  'oid' | 'name' | 'table' | 'method' | 'unique' | 'primary' | 'exclusion' | 'valid' | 'ready' | 'predicate'
> {
  keyCount: number;
  indclass: string;
  indcollation: string;
  indoption: string;
  locked: boolean;
  definition: string | null;
  columns: string[] | null;
  sizeBytes: number | null;
  estimatedBytes: number;
  scans: number | null;
  tuplesRead: number | null;
  tuplesFetched: number | null;
  tablePages: number;
  tableAllVisible: number;
  buildPid: number | null;
  buildPhase: string | null;
}

/**
 * Every index in the app's schema, with the catalog facts the findings need. pg_get_indexdef,
 * pg_get_expr and pg_relation_size take an ACCESS SHARE lock on the table, so they are skipped for
 * `locked` tables (and for all tables when `allLocked`): those rows keep the lock-free facts only.
 */
async function readIndexes(trx: Kysely<Database>, locked: string[], allLocked: boolean): Promise<IndexRow[]> {
  const { rows } = await sql<IndexRow>`
    select c.oid::int8 as oid, c.relname as name, t.relname as "table", am.amname as method,
           i.indisunique as "unique", i.indisprimary as "primary", i.indisexclusion as exclusion,
           i.indisvalid as valid, i.indisready as ready, i.indnkeyatts as "keyCount",
           i.indclass::text as indclass, i.indcollation::text as indcollation, i.indoption::text as indoption,
           lk.locked,
           case when lk.locked then null else pg_get_indexdef(c.oid) end as definition,
           case when lk.locked then null
                else array(select pg_get_indexdef(c.oid, k, true) from generate_series(1, i.indnatts) as k) end as columns,
           case when lk.locked then null else pg_get_expr(i.indpred, i.indrelid, true) end as predicate,
           case when lk.locked then null else pg_relation_size(c.oid) end as "sizeBytes",
           c.relpages::int8 * current_setting('block_size')::int8 as "estimatedBytes",
           s.idx_scan as scans, s.idx_tup_read as "tuplesRead", s.idx_tup_fetch as "tuplesFetched",
           -- The all-visible share's denominator: the table's current size where it can be read (pages
           -- added since the last VACUUM are not all-visible), else relpages as of that VACUUM.
           case when lk.locked then t.relpages::int8 else pg_relation_size(t.oid) / current_setting('block_size')::int8 end as "tablePages",
           t.relallvisible::int8 as "tableAllVisible",
           p.pid as "buildPid", p.phase as "buildPhase"
      from pg_index i
      join pg_class c on c.oid = i.indexrelid
      join pg_class t on t.oid = i.indrelid
      join pg_namespace n on n.oid = t.relnamespace
      join pg_am am on am.oid = c.relam
      cross join lateral (select ${allLocked}::boolean or t.relname = any(${locked}::text[]) as locked) lk
      left join pg_stat_user_indexes s on s.indexrelid = i.indexrelid
      left join pg_stat_progress_create_index p on p.index_relid = i.indexrelid and p.datid = (select oid from pg_database where datname = current_database())
     where n.nspname = current_schema()
     order by t.relname, c.relname`.execute(trx);
  return rows;
}

function shapeOf(r: IndexRow): IndexShape | null {
  if (!r.columns) return null;
  const split = (s: string) => (s.trim() ? s.trim().split(/\s+/) : []);
  return {
    oid: r.oid,
    name: r.name,
    table: r.table,
    method: r.method,
    unique: r.unique,
    primary: r.primary,
    exclusion: r.exclusion,
    valid: r.valid,
    ready: r.ready,
    keys: r.columns.slice(0, r.keyCount),
    include: r.columns.slice(r.keyCount),
    opclasses: split(r.indclass),
    collations: split(r.indcollation),
    options: split(r.indoption).map(Number),
    predicate: r.predicate,
  };
}

export interface IndexSectionOptions {
  guard?: Guard;
  bloatMinPct?: number;
  bloatMinBytes?: number;
}

export async function readIndexSection(db: Db, options: IndexSectionOptions = {}): Promise<{ data: IndexSection; problems: string[] }> {
  const guard = options.guard ?? DEFAULT_GUARD;
  const bloatMin = { pct: options.bloatMinPct ?? BLOAT_MIN_PCT, bytes: options.bloatMinBytes ?? BLOAT_MIN_BYTES };
  const problems: string[] = [];
  const head = await guarded(
    db,
    async (trx) => {
      const locks = await blockingLocks(trx);
      const { rows } = await sql<{ statsReset: Date | null; inRecovery: boolean }>`
        select (select stats_reset from pg_stat_database where datname = current_database()) as "statsReset",
               pg_is_in_recovery() as "inRecovery"`.execute(trx);
      return { locks, ...rows[0]! };
    },
    guard,
  );
  const locked = [...new Set(head.locks.map((l) => l.table))];

  let rows: IndexRow[];
  try {
    rows = await guarded(db, (trx) => readIndexes(trx, locked, false), guard);
  } catch (err) {
    // A lock taken after the check above: read again without any function that waits for locks.
    if (sqlState(err) !== LOCK_NOT_AVAILABLE) throw err;
    problems.push(`Definitions and exact sizes skipped: ${describeError(err, guard)}.`);
    rows = await guarded(db, (trx) => readIndexes(trx, locked, true), guard);
  }
  if (locked.length) {
    problems.push(
      `Definitions, exact sizes and redundancy checks skipped for ${locked.join(', ')}: ${head.locks.map(describeLock).join('; ')}.`,
    );
  }

  const owners = new Map<string, string>();
  const missing: IndexSection['missing'] = [];
  try {
    const expected = await guarded(db, (trx) => migrationIndexOwners(trx), guard);
    const present = new Set(rows.map((r) => r.name));
    for (const e of expected.values()) {
      owners.set(e.name, e.migration);
      if (present.has(e.name)) continue;
      missing.push({
        name: e.name,
        table: e.table,
        migration: e.migration,
        finding: {
          kind: 'missing',
          severity: 'critical',
          reason: `Missing: migration ${e.migration} creates it, but it is not in the database; queries that need it scan the table.`,
          fix: `-- npm run migrate  (rebuilds it), or:\n${e.statement.replace(/^--.*\n/gm, '').trim()};`,
          note: 'Built CONCURRENTLY: reads and writes continue while it builds.',
        },
      });
    }
  } catch (err) {
    problems.push(`Which migration owns each index is unknown: ${describeError(err, guard)}.`);
  }

  let bloat = new Map<number, BloatEstimate>();
  try {
    bloat = new Map((await guarded(db, estimateBtreeBloat, guard)).map((b) => [b.oid, b]));
  } catch (err) {
    problems.push(`Bloat estimates unavailable: ${describeError(err, guard)}.`);
  }

  const shapes = rows.map(shapeOf).filter((s): s is IndexShape => s !== null);
  const redundant = findRedundant(shapes);
  const indexes = rows.map((r): IndexReport => {
    const b = bloat.get(r.oid);
    const covering = r.columns ? r.columns.length > r.keyCount : false;
    const allVisibleShare = covering && r.tablePages > 0 ? Math.min(1, r.tableAllVisible / r.tablePages) : null;
    const findings = findingsFor(r, {
      migration: owners.get(r.name) ?? null,
      redundantWith: redundant.get(r.oid),
      bloat: b,
      bloatMin,
      statsReset: head.statsReset,
      inRecovery: head.inRecovery,
    });
    if (r.valid && allVisibleShare !== null && allVisibleShare < ALL_VISIBLE_MIN_SHARE) {
      findings.push({
        kind: 'visibility',
        severity: 'warning',
        reason: `Covering index, but only ${(allVisibleShare * 100).toFixed(0)}% of ${r.table}'s pages are all-visible: an Index Only Scan must visit the table for rows on the others.`,
        fix: `VACUUM (ANALYZE) ${quoteIdent(r.table)};`,
        note: 'VACUUM does not block reads or writes. Bulk loads and insert-heavy tables need it (autovacuum_vacuum_insert_scale_factor).',
      });
    }
    return {
      name: r.name,
      table: r.table,
      method: r.method,
      unique: r.unique,
      primary: r.primary,
      valid: r.valid,
      internal: INTERNAL_TABLE.test(r.table),
      definition: r.definition,
      sizeBytes: r.sizeBytes ?? r.estimatedBytes,
      sizeEstimated: r.sizeBytes === null,
      scans: r.scans,
      tuplesRead: r.tuplesRead,
      tuplesFetched: r.tuplesFetched,
      migration: owners.get(r.name) ?? null,
      bloat: b ? { pct: b.bloatPct, bytes: b.bloatBytes } : null,
      allVisibleShare,
      findings,
    };
  });

  return {
    data: { indexes, missing, statsReset: head.statsReset, inRecovery: head.inRecovery, locks: head.locks.map(describeLock) },
    problems,
  };
}
