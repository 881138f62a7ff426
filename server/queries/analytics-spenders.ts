import { type RawBuilder, sql } from 'kysely';
import type { Db } from '@/db/client';
import { addDays, businessDay } from '@/lib/business-day';
import { TOP_SPENDERS_MAX } from '@/lib/contract/analytics';

/**
 * API cost per conversation and per customer. A row of api_usage belongs to a thread
 * (api_usage.thread_id) and through it to the thread's customer as linked NOW
 * (shared_threads.customer_id): a conversation linked later brings its whole cost with it.
 * Windows are complete business days, like the cost page: [today - days, today).
 *
 * Read from api_usage_thread_daily (migration api_usage_thread_daily: one row per business day and
 * thread, kept exact by statement triggers on api_usage, today included). The window never holds
 * today, so every day it reads is closed. While that rollup is being rebuilt, or is cut in another
 * zone than the app's, each function reads api_usage instead (exact, slower): the first row of each
 * query says which, from the same snapshot as the data.
 *
 * topSpenders serves each window's answer from api_usage_top_spenders_cache (migration
 * top_spenders_cache), computed on the first request and deleted by triggers, in the writing
 * transaction, when a change could alter it.
 */

interface Window {
  timeZone: string;
  now?: Date;
  /** Complete business days before today. */
  days: number;
}
interface Bounds {
  from: string;
  to: string;
  today: string;
}
export type CostSource = 'rollup' | 'raw';

function bounds({ timeZone, now = new Date(), days }: Window): Bounds {
  const today = businessDay(timeZone, now);
  return { from: addDays(today, -days), to: addDays(today, -1), today };
}
const start = (day: string, tz: string) => sql`(${day}::date::timestamp AT TIME ZONE ${tz})`;

/** True when the rollup is backfilled and cut in `timeZone` (an InitPlan: evaluated once). */
const ready = (tz: string) => sql`(SELECT backfilled_at IS NOT NULL AND time_zone = ${tz} FROM api_usage_thread_rollup_settings)`;

/**
 * Cost and calls per thread over the window, optionally for some threads only: the rollup's rows
 * (empty unless ready), or api_usage's.
 */
function perThread(source: CostSource, b: Bounds, tz: string, threadIds?: string[]): RawBuilder<unknown> {
  const only = (col: string) => (threadIds ? sql`AND ${sql.ref(col)} = ANY(${threadIds}::uuid[])` : sql``);
  return source === 'rollup'
    ? sql`SELECT thread_id, sum(cost_cents) AS cost, sum(calls)::int AS calls FROM api_usage_thread_daily
          WHERE day >= ${b.from}::date AND day <= ${b.to}::date ${only('thread_id')} AND ${ready(tz)}
          GROUP BY thread_id`
    : sql`SELECT thread_id, sum(estimated_cost_cents) AS cost, count(*)::int AS calls FROM api_usage
          WHERE thread_id IS NOT NULL ${only('thread_id')}
            AND created_at >= ${start(b.from, tz)} AND created_at < ${start(b.today, tz)}
          GROUP BY thread_id`;
}

/** Cents per thread over the window, for the given threads (0 for those without usage). */
// api_usage_thread_daily_thread_idx: an Index Only Scan over each thread's days of the window.
export async function threadCosts(db: Db, params: Window & { threadIds: string[] }): Promise<Record<string, number>> {
  return (await threadCostsFrom(db, params)).costs;
}

async function threadCostsFrom(db: Db, params: Window & { threadIds: string[] }) {
  const b = bounds(params);
  const costs: Record<string, number> = Object.fromEntries(params.threadIds.map((id) => [id, 0]));
  if (params.threadIds.length === 0) return { costs, source: 'rollup' as CostSource };
  const query = (source: CostSource) => sql<{ thread_id: string | null; cost: number; ready: boolean | null }>`
    SELECT NULL::uuid AS thread_id, NULL::numeric AS cost, ${ready(params.timeZone)} AS ready
    UNION ALL
    SELECT thread_id, cost, NULL FROM (${perThread(source, b, params.timeZone, params.threadIds)}) p`;
  let { rows } = await query('rollup').execute(db);
  const source: CostSource = rows.find((r) => r.thread_id === null)?.ready ? 'rollup' : 'raw';
  if (source === 'raw') rows = (await query('raw').execute(db)).rows;
  for (const r of rows) if (r.thread_id !== null) costs[r.thread_id] = r.cost;
  return { costs, source };
}

/** A customer's cost over the window: the sum over their threads. Null when there is no such customer. */
// shared_threads_customer_idx for the threads, then api_usage_thread_daily_thread_idx per thread.
export async function customerCost(db: Db, params: Window & { customerId: number }) {
  const b = bounds(params);
  const tz = params.timeZone;
  const query = (source: CostSource) => sql<{ found: boolean; cost: number | null; threads: number; ready: boolean }>`
    SELECT EXISTS (SELECT 1 FROM customers WHERE id = ${params.customerId}) AS found,
           (SELECT count(*)::int FROM shared_threads WHERE customer_id = ${params.customerId}) AS threads,
           ${ready(tz)} AS ready,
           (${
             source === 'rollup'
               ? sql`SELECT sum(u.cost_cents) FROM shared_threads t
                       JOIN api_usage_thread_daily u ON u.thread_id = t.id AND u.day >= ${b.from}::date AND u.day <= ${b.to}::date
                      WHERE t.customer_id = ${params.customerId}`
               : sql`SELECT sum(u.estimated_cost_cents) FROM shared_threads t
                       JOIN api_usage u ON u.thread_id = t.id AND u.thread_id IS NOT NULL
                        AND u.created_at >= ${start(b.from, tz)} AND u.created_at < ${start(b.today, tz)}
                      WHERE t.customer_id = ${params.customerId}`
           }) AS cost`;
  let r = (await query('rollup').execute(db)).rows[0]!;
  if (!r.ready) r = (await query('raw').execute(db)).rows[0]!;
  return r.found ? { customerId: params.customerId, from: b.from, to: b.to, costCents: r.cost ?? 0, threads: r.threads } : null;
}

export interface Spender {
  id: string;
  label: string;
  costCents: number;
  calls: number;
  /** Part of all API spend in the window (services without a thread included), 0..1. */
  share: number;
}

const bySpend = (a: Pick<Spender, 'id' | 'costCents'>, b: Pick<Spender, 'id' | 'costCents'>) =>
  b.costCents - a.costCents || (a.id < b.id ? -1 : 1);

type SpenderRow = {
  kind: 'thread' | 'customer' | 'all';
  id: string | null;
  label: string | null;
  cost: number;
  calls: number;
  ready: boolean | null;
};

/** True when 0005's (day, service) rollup is backfilled and cut in `timeZone`: it then gives the total. */
const dailyReady = (tz: string) => sql`(SELECT backfilled_at IS NOT NULL AND time_zone = ${tz} FROM api_usage_rollup_settings)`;

/** The top lists in one statement; the 'all' row carries the total and the rollup's readiness. */
export function topSpendersQuery(source: CostSource, b: Bounds, timeZone: string, limit: number): RawBuilder<SpenderRow> {
  return sql<SpenderRow>`
    WITH per_thread AS MATERIALIZED (${perThread(source, b, timeZone)}),
    all_spend AS (
      -- 0005's rollup when it is ready in this zone, else the raw rows (each side's filter is an
      -- InitPlan: the other side is never run).
      SELECT sum(cost) AS cost, sum(calls)::int AS calls FROM (
        SELECT sum(cost_cents) AS cost, sum(calls) AS calls FROM api_usage_daily
         WHERE day >= ${b.from}::date AND day <= ${b.to}::date AND ${dailyReady(timeZone)}
        UNION ALL
        SELECT sum(estimated_cost_cents), count(*) FROM api_usage
         WHERE created_at >= ${start(b.from, timeZone)} AND created_at < ${start(b.today, timeZone)} AND NOT ${dailyReady(timeZone)}
      ) s
    )
    (SELECT 'all' AS kind, NULL AS id, NULL AS label, coalesce(cost, 0) AS cost, coalesce(calls, 0) AS calls, ${ready(timeZone)} AS ready
       FROM all_spend)
    UNION ALL
    (SELECT 'thread', p.thread_id::text, coalesce(t.contact_name, t.contact_phone, 'Conversation'), p.cost, p.calls, NULL
       FROM (SELECT * FROM per_thread ORDER BY cost DESC, thread_id LIMIT ${limit}) p JOIN shared_threads t ON t.id = p.thread_id
      ORDER BY p.cost DESC, p.thread_id)
    UNION ALL
    (SELECT 'customer', c.id::text, c.name, p.cost, p.calls, NULL
       FROM (SELECT t.customer_id, sum(p.cost) AS cost, sum(p.calls)::int AS calls
               FROM per_thread p JOIN shared_threads t ON t.id = p.thread_id
              WHERE t.customer_id IS NOT NULL
              GROUP BY t.customer_id ORDER BY 2 DESC, 1 LIMIT ${limit}) p
       JOIN customers c ON c.id = p.customer_id
      ORDER BY p.cost DESC, c.id)`;
}

type Ranked = Omit<Spender, 'share'>;
/** What the cache stores: the top CACHED_TOP of each list, before shares. */
interface TopLists {
  totalCents: number;
  threads: Ranked[];
  customers: Ranked[];
}

/** The most any caller asks for (topSpendersInput's limit): the cache keeps this many, smaller lists are cut from it. */
export const CACHED_TOP = TOP_SPENDERS_MAX;

/**
 * Computes the lists from the rollups (or the raw rows while they are not ready): a range scan of
 * api_usage_thread_daily's primary key over the window's days, aggregated per thread, joined to
 * shared_threads and customers; the total from api_usage_daily. Grows with the threads active in
 * the window, not with the rows of api_usage (bench: topSpendersCompute). No cache.
 */
export async function computeTopSpenders(db: Db, params: Window & { limit: number }) {
  const b = bounds(params);
  let { rows } = await topSpendersQuery('rollup', b, params.timeZone, params.limit).execute(db);
  let source: CostSource = 'rollup';
  if (!rows.find((r) => r.kind === 'all')?.ready) {
    source = 'raw';
    rows = (await topSpendersQuery('raw', b, params.timeZone, params.limit).execute(db)).rows;
  }
  const of = (kind: SpenderRow['kind']): Ranked[] =>
    rows
      .filter((r) => r.kind === kind)
      .map((r) => ({ id: r.id!, label: r.label!, costCents: r.cost, calls: r.calls }))
      // UNION ALL keeps no order of its own: sorted again here.
      .sort(bySpend);
  const lists: TopLists = { totalCents: rows.find((r) => r.kind === 'all')!.cost, threads: of('thread'), customers: of('customer') };
  return { bounds: b, source, lists };
}

function served(params: Window & { limit: number }, b: Bounds, source: CostSource, cached: boolean, lists: TopLists) {
  const withShare = (r: Ranked): Spender => ({ ...r, share: lists.totalCents > 0 ? r.costCents / lists.totalCents : 0 });
  return {
    period: { from: b.from, to: b.to, days: params.days },
    totalCents: lists.totalCents,
    source,
    /** Served from api_usage_top_spenders_cache (computed earlier, still exact). */
    cached,
    threads: lists.threads.slice(0, params.limit).map(withShare),
    customers: lists.customers.slice(0, params.limit).map(withShare),
  };
}

const isPgError = (e: unknown, code: string) => typeof e === 'object' && e !== null && (e as { code?: unknown }).code === code;
const LOCK_CLASS = 21021;
const EVERY_DAY = -2147483648;

/** The cache's answer for the window (NULL if none or pending), and whether this server is a hot standby. */
// api_usage_top_spenders_cache_pkey, or a Seq Scan: the table keeps a row per window asked for in the last two days.
export function cachedTopQuery(tz: string, b: Bounds): RawBuilder<{ result: TopLists | null; standby: boolean }> {
  return sql<{ result: TopLists | null; standby: boolean }>`
    SELECT (SELECT result FROM api_usage_top_spenders_cache
             WHERE time_zone = ${tz} AND from_day = ${b.from}::date AND to_day = ${b.to}::date AND result IS NOT NULL) AS result,
           pg_is_in_recovery() AS standby`;
}

/**
 * The threads and the customers that cost most over the window, with their share of all spend.
 *
 * A hit is one lookup of api_usage_top_spenders_cache (migration top_spenders_cache: a table of a
 * few rows, flat at any size of api_usage; bench: topSpenders). A miss computes the top CACHED_TOP (computeTopSpenders)
 * and stores it under that migration's protocol: reserve a pending row only if no writer holds a
 * lock on the window's days (tried, never waited for), compute in a later snapshot, fill the row
 * only if no invalidation deleted it meanwhile. Only closed days, and only answers from the
 * rollups, are stored. On a hot standby (a replica) a miss computes without storing: the replica
 * serves what the primary stored, and a miss there costs the compute each time.
 * Must run outside a transaction (each statement commits on its own).
 */
export async function topSpenders(db: Db, params: Window & { limit: number }) {
  const b = bounds(params);
  const tz = params.timeZone;
  const limit = Math.min(params.limit, CACHED_TOP);
  let hit: { result: TopLists | null; standby: boolean } | undefined;
  try {
    hit = (await cachedTopQuery(tz, b).execute(db)).rows[0];
  } catch (e) {
    // Migration top_spenders_cache rolled back: compute every time.
    if (!isPgError(e, '42P01')) throw e;
  }
  if (hit?.result) return served({ ...params, limit }, b, 'rollup', true, hit.result);

  const token = hit && !hit.standby ? await reserve(db, tz, b) : null;
  const { source, lists } = await computeTopSpenders(db, { ...params, limit: CACHED_TOP });
  if (token) {
    if (source === 'rollup') await fill(db, tz, b, token, lists);
    else
      await sql`DELETE FROM api_usage_top_spenders_cache WHERE time_zone = ${tz} AND from_day = ${b.from}::date AND to_day = ${b.to}::date AND token = ${token}::uuid`.execute(
        db,
      );
  }
  return served({ ...params, limit }, b, source, false, lists);
}

/**
 * Tries the exclusive locks of every day of the window and of "every day" (released when this
 * statement commits), and only if all were free and both rollups are ready in this zone, inserts
 * a pending row (or takes over one left pending for over a minute). Returns its token, or null.
 */
async function reserve(db: Db, tz: string, b: Bounds): Promise<string | null> {
  try {
    return (await reserveQuery(tz, b).execute(db)).rows[0]?.token ?? null;
  } catch (e) {
    // A read-only session that is not a standby (default_transaction_read_only, a read-only
    // pooler): compute without storing, as on a replica.
    if (isPgError(e, '25006')) return null;
    throw e;
  }
}

function reserveQuery(tz: string, b: Bounds) {
  return sql<{ token: string }>`
    WITH free AS (
      SELECT pg_try_advisory_xact_lock(${LOCK_CLASS}, ${EVERY_DAY})
             AND (SELECT bool_and(pg_try_advisory_xact_lock(${LOCK_CLASS}, k))
                    FROM generate_series(${b.from}::date - date '2000-01-01', ${b.to}::date - date '2000-01-01') k) AS ok
    )
    INSERT INTO api_usage_top_spenders_cache AS c (time_zone, from_day, to_day, token)
    SELECT ${tz}, ${b.from}::date, ${b.to}::date, gen_random_uuid() FROM free
     WHERE ok
       AND ${b.to}::date < (now() AT TIME ZONE ${tz})::date
       AND ${ready(tz)} AND ${dailyReady(tz)}
    ON CONFLICT (time_zone, from_day, to_day) DO UPDATE SET token = excluded.token, computed_at = now()
     WHERE c.result IS NULL AND c.computed_at < now() - interval '1 minute'
    RETURNING token::text`;
}

/** Fills the pending row if it is still ours; prunes answers no live page can ask for any more. */
async function fill(db: Db, tz: string, b: Bounds, token: string, lists: TopLists) {
  // A window of closed days is computed on the day after it at the earliest: after two days no
  // request for "the last N days" can name it again.
  await sql`
    WITH pruned AS (
      DELETE FROM api_usage_top_spenders_cache WHERE computed_at < now() - interval '2 days' AND token <> ${token}::uuid
    )
    UPDATE api_usage_top_spenders_cache
       SET result = ${JSON.stringify(lists)}::jsonb, computed_at = now(),
           thread_ids = ${lists.threads.map((t) => t.id)}::uuid[], customer_ids = ${lists.customers.map((c) => c.id)}::bigint[]
     WHERE time_zone = ${tz} AND from_day = ${b.from}::date AND to_day = ${b.to}::date AND token = ${token}::uuid`.execute(db);
}

/** One conversation's cost over the window; null when there is no such thread. */
export async function threadCost(db: Db, params: Window & { threadId: string }) {
  const { rows } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM shared_threads WHERE id = ${params.threadId}::uuid`.execute(db);
  if (!rows[0]?.n) return null;
  const b = bounds(params);
  const { costs } = await threadCostsFrom(db, { ...params, threadIds: [params.threadId] });
  return { threadId: params.threadId, from: b.from, to: b.to, costCents: costs[params.threadId] ?? 0 };
}
