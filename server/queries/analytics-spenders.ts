import { type RawBuilder, sql } from 'kysely';
import type { Db } from '@/db/client';
import { addDays, businessDay } from '@/lib/business-day';

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

const bySpend = (a: Spender, b: Spender) => b.costCents - a.costCents || (a.id < b.id ? -1 : 1);

type SpenderRow = {
  kind: 'thread' | 'customer' | 'all';
  id: string | null;
  label: string | null;
  cost: number;
  calls: number;
  ready: boolean | null;
};

/** The top lists in one statement; the 'all' row carries the total and the rollup's readiness. */
export function topSpendersQuery(source: CostSource, b: Bounds, timeZone: string, limit: number): RawBuilder<SpenderRow> {
  return sql<SpenderRow>`
    WITH per_thread AS MATERIALIZED (${perThread(source, b, timeZone)}),
    all_spend AS (
      SELECT sum(cost_cents) AS cost, sum(calls)::int AS calls FROM api_usage_daily WHERE day >= ${b.from}::date AND day <= ${b.to}::date
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

/**
 * The threads and the customers that cost most over the window, with their share of all spend.
 * Range scan of api_usage_thread_daily's primary key over the window's days (one row per thread
 * and day with usage), aggregated per thread, then joined to shared_threads and customers; the
 * total comes from api_usage_daily. Grows with the threads active in the window, not with the rows
 * of api_usage (bench: topSpenders).
 */
export async function topSpenders(db: Db, params: Window & { limit: number }) {
  const b = bounds(params);
  let { rows } = await topSpendersQuery('rollup', b, params.timeZone, params.limit).execute(db);
  let source: CostSource = 'rollup';
  if (!rows.find((r) => r.kind === 'all')?.ready) {
    source = 'raw';
    rows = (await topSpendersQuery('raw', b, params.timeZone, params.limit).execute(db)).rows;
  }
  const all = rows.find((r) => r.kind === 'all')!;
  const shape = (r: SpenderRow): Spender => ({
    id: r.id!,
    label: r.label!,
    costCents: r.cost,
    calls: r.calls,
    share: all.cost > 0 ? r.cost / all.cost : 0,
  });
  const of = (kind: SpenderRow['kind']) =>
    rows
      .filter((r) => r.kind === kind)
      .map(shape)
      .sort(bySpend);
  return {
    period: { from: b.from, to: b.to, days: params.days },
    totalCents: all.cost,
    source,
    // UNION ALL keeps no order of its own: sorted again here.
    threads: of('thread'),
    customers: of('customer'),
  };
}

/** One conversation's cost over the window; null when there is no such thread. */
export async function threadCost(db: Db, params: Window & { threadId: string }) {
  const { rows } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM shared_threads WHERE id = ${params.threadId}::uuid`.execute(db);
  if (!rows[0]?.n) return null;
  const b = bounds(params);
  const { costs } = await threadCostsFrom(db, { ...params, threadIds: [params.threadId] });
  return { threadId: params.threadId, from: b.from, to: b.to, costCents: costs[params.threadId] ?? 0 };
}
