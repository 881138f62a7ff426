import { sql } from 'kysely';
import type { Db } from '@/db/client';
import { type Guard, guarded, setLimits } from './db-health-guard';

// History for the Database page: every 5 minutes, what pg_stat_statements counted since the last
// capture (a delta per statement); once a day, each table's and index's size. pg_stat_statements
// only keeps running totals since its last reset, so "what got slower since yesterday" needs these.

export const SNAPSHOT_INTERVAL_MS = 5 * 60_000;
export const RETENTION = { statementDays: 30, sizeDays: 400 };

/** The capture may wait a little for a lock (it writes), never long: the next tick tries again. */
const CAPTURE_GUARD: Guard = { lockTimeoutMs: 500, statementTimeoutMs: 15_000 };

export type CaptureResult =
  | { captured: true; statements: number; first: boolean; reset: boolean; sizes: number | null; pruned: number }
  | { captured: false; reason: string };

/**
 * One capture. Deltas are the counters minus those seen last time; a statement whose count went
 * down was reset (pg_stat_statements_reset for it, or evicted and seen again), and a change of
 * pg_stat_statements_info.stats_reset means everything was: then the delta is the count since the
 * reset. The first capture only records the counters (their totals span an unknown time).
 * Sizes are captured once per UTC day. Two workers never capture the same interval twice: the
 * second does not get the transaction lock and skips.
 */
export async function captureSnapshot(db: Db, now: Date = new Date()): Promise<CaptureResult> {
  const ready = await sql<{ ok: boolean }>`
    select exists (select 1 from pg_extension where extname = 'pg_stat_statements')
       and current_setting('shared_preload_libraries') ~ 'pg_stat_statements' as ok`.execute(db);
  if (!ready.rows[0]?.ok) return { captured: false, reason: 'pg_stat_statements is not loaded and created in this database.' };

  return db.transaction().execute(async (trx) => {
    await setLimits(trx, CAPTURE_GUARD);
    const lock = await sql<{ ok: boolean }>`select pg_try_advisory_xact_lock(hashtext('db_statement_snapshots')) as ok`.execute(trx);
    if (!lock.rows[0]!.ok) return { captured: false as const, reason: 'Another process is capturing right now.' };

    const info = await sql<{ statsReset: Date | null }>`select stats_reset as "statsReset" from pg_stat_statements_info`.execute(trx);
    const statsReset = info.rows[0]?.statsReset ?? null;
    const state = await trx.selectFrom('db_history_state').select(['stats_reset', 'captured_at']).executeTakeFirst();
    const first = !state?.captured_at;
    const reset = !first && (state.stats_reset?.getTime() ?? null) !== (statsReset?.getTime() ?? null);

    await sql`
      create temporary table cur on commit drop as
      select queryid, min(left(query, 2000)) as query, sum(calls)::int8 as calls, sum(total_exec_time)::float8 as total_ms, sum(rows)::int8 as rows
        from pg_stat_statements
       where dbid = (select oid from pg_database where datname = current_database()) and queryid is not null
       group by queryid`.execute(trx);
    let statements = 0;
    if (!first) {
      const ins = await sql`
        insert into db_statement_snapshots (captured_at, queryid, query, calls, total_ms, rows)
        select ${now}, c.queryid, c.query,
               case when d.restart then c.calls else c.calls - p.calls end,
               case when d.restart then c.total_ms else c.total_ms - p.total_ms end,
               case when d.restart then c.rows else c.rows - p.rows end
          from cur c
          left join db_statement_counters p on p.queryid = c.queryid
          cross join lateral (select ${reset}::boolean or p.queryid is null or c.calls < p.calls as restart) d
         where case when d.restart then c.calls else c.calls - p.calls end > 0
        on conflict do nothing`.execute(trx);
      statements = Number(ins.numAffectedRows ?? 0);
    }
    await sql`delete from db_statement_counters`.execute(trx);
    await sql`insert into db_statement_counters (queryid, calls, total_ms, rows) select queryid, calls, total_ms, rows from cur`.execute(
      trx,
    );
    await sql`
      insert into db_history_state (id, stats_reset, captured_at) values (true, ${statsReset}, ${now})
      on conflict (id) do update set stats_reset = excluded.stats_reset, captured_at = excluded.captured_at`.execute(trx);

    const day = now.toISOString().slice(0, 10);
    const have = await trx.selectFrom('db_size_snapshots').select('relation').where('captured_on', '=', day).limit(1).executeTakeFirst();
    let sizes: number | null = null;
    if (!have) {
      const r = await sql`
        insert into db_size_snapshots (captured_on, relation, kind, table_name, bytes, estimated_rows)
        select ${day}::date, c.relname, case when c.relkind = 'i' then 'index' else 'table' end, coalesce(t.relname, c.relname),
               case when c.relkind = 'i' then pg_relation_size(c.oid) else pg_table_size(c.oid) end,
               case when c.reltuples < 0 then null else c.reltuples end
          from pg_class c
          join pg_namespace n on n.oid = c.relnamespace
          left join pg_index i on i.indexrelid = c.oid
          left join pg_class t on t.oid = i.indrelid
         where n.nspname = current_schema() and c.relkind in ('r', 'p', 'i')`.execute(trx);
      sizes = Number(r.numAffectedRows ?? 0);
    }
    const pruned = await sql`
      with a as (delete from db_statement_snapshots where captured_at < ${now}::timestamptz - make_interval(days => ${RETENTION.statementDays}) returning 1),
           b as (delete from db_size_snapshots where captured_on < (${now}::timestamptz - make_interval(days => ${RETENTION.sizeDays}))::date returning 1)
      select (select count(*) from a) + (select count(*) from b) as n`.execute(trx);
    return { captured: true as const, statements, first, reset, sizes, pruned: Number((pruned.rows[0] as { n: number }).n) };
  });
}

export interface SlowerQuery {
  queryId: string;
  query: string;
  /** Mean execution time over the last 24 hours, and over the 24 hours before. */
  recentMeanMs: number;
  previousMeanMs: number;
  recentCalls: number;
}

export interface History {
  capturedAt: Date | null;
  slower: SlowerQuery[];
  /** Daily mean time of the statements that took the most time in the last 30 days. */
  series: Array<{ queryId: string; query: string; days: Array<{ day: string; meanMs: number; calls: number }> }>;
  /** Daily size of each table with its indexes. */
  growth: Array<{ table: string; days: Array<{ day: string; bytes: number }> }>;
}

/** Reads the history tables (the app's own, small: by time on captured_at and the primary keys). */
export async function readHistory(db: Db, now: Date = new Date(), guard?: Guard): Promise<{ data: History; problems: string[] }> {
  return guarded(
    db,
    async (trx) => {
      const state = await trx.selectFrom('db_history_state').select('captured_at').executeTakeFirst();
      const slower = await sql<SlowerQuery>`
        select queryid::text as "queryId", min(query) as query,
               sum(total_ms) filter (where captured_at > ${now}::timestamptz - interval '1 day')
                 / nullif(sum(calls) filter (where captured_at > ${now}::timestamptz - interval '1 day'), 0) as "recentMeanMs",
               sum(total_ms) filter (where captured_at <= ${now}::timestamptz - interval '1 day')
                 / nullif(sum(calls) filter (where captured_at <= ${now}::timestamptz - interval '1 day'), 0) as "previousMeanMs",
               coalesce(sum(calls) filter (where captured_at > ${now}::timestamptz - interval '1 day'), 0)::int8 as "recentCalls"
          from db_statement_snapshots
         where captured_at > ${now}::timestamptz - interval '2 days' and captured_at <= ${now}
         group by queryid`.execute(trx);
      const series = await sql<{ queryId: string; query: string; days: Array<{ day: string; meanMs: number; calls: number }> }>`
        with top as (
          select queryid, min(query) as query from db_statement_snapshots where captured_at > ${now}::timestamptz - interval '30 days'
           group by queryid order by sum(total_ms) desc limit 5)
        select top.queryid::text as "queryId", top.query,
               (select json_agg(json_build_object('day', d.day, 'meanMs', d.mean, 'calls', d.calls) order by d.day)
                  from (select to_char(date_trunc('day', captured_at at time zone 'UTC'), 'YYYY-MM-DD') as day,
                               sum(total_ms) / nullif(sum(calls), 0) as mean, sum(calls)::int8 as calls
                          from db_statement_snapshots x where x.queryid = top.queryid and x.captured_at > ${now}::timestamptz - interval '30 days'
                         group by 1) d) as days
          from top`.execute(trx);
      const growth = await sql<{ table: string; days: Array<{ day: string; bytes: number }> }>`
        select table_name as "table", json_agg(json_build_object('day', day, 'bytes', bytes) order by day) as days
          from (select table_name, to_char(captured_on, 'YYYY-MM-DD') as day, sum(bytes)::int8 as bytes
                  from db_size_snapshots where captured_on > (${now}::timestamptz - interval '90 days')::date
                 group by 1, 2) x
         where table_name !~ '^(auth_|kysely_|db_)'
         group by table_name order by max(bytes) desc limit 8`.execute(trx);
      return {
        data: {
          capturedAt: state?.captured_at ?? null,
          slower: slower.rows
            .filter(
              (r) =>
                r.recentMeanMs !== null &&
                r.previousMeanMs !== null &&
                r.recentMeanMs > r.previousMeanMs * 1.2 &&
                r.recentMeanMs - r.previousMeanMs >= 0.1,
            )
            .sort((a, b) => b.recentMeanMs - b.previousMeanMs - (a.recentMeanMs - a.previousMeanMs))
            .slice(0, 10),
          series: series.rows,
          growth: growth.rows,
        },
        problems: [],
      };
    },
    guard,
  );
}
