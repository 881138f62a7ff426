import { sql } from 'kysely';
import type { Db } from '@/db/client';
import { addDays, businessDay } from '@/lib/business-day';

/**
 * API cost per conversation and per customer. A row of api_usage belongs to a thread
 * (api_usage.thread_id) and through it to the thread's customer as linked NOW
 * (shared_threads.customer_id): a conversation linked later brings its whole cost with it.
 * Windows are complete business days, like the cost page: [today - days, today).
 */

interface Window {
  timeZone: string;
  now?: Date;
  /** Complete business days before today. */
  days: number;
}

function bounds({ timeZone, now = new Date(), days }: Window) {
  const today = businessDay(timeZone, now);
  return { from: addDays(today, -days), to: addDays(today, -1), today };
}
const start = (day: string, tz: string) => sql`(${day}::date::timestamp AT TIME ZONE ${tz})`;

/** Cents per thread over the window, for the given threads (0 for those without usage). */
// api_usage_thread_cost_idx: an Index Only Scan over each thread's rows of the window.
export async function threadCosts(db: Db, params: Window & { threadIds: string[] }): Promise<Record<string, number>> {
  const b = bounds(params);
  const out: Record<string, number> = Object.fromEntries(params.threadIds.map((id) => [id, 0]));
  if (params.threadIds.length === 0) return out;
  const { rows } = await sql<{ thread_id: string; cost: number }>`
    SELECT thread_id, sum(estimated_cost_cents) AS cost FROM api_usage
    WHERE thread_id = ANY(${params.threadIds}::uuid[]) AND thread_id IS NOT NULL
      AND created_at >= ${start(b.from, params.timeZone)} AND created_at < ${start(b.today, params.timeZone)}
    GROUP BY thread_id`.execute(db);
  for (const r of rows) out[r.thread_id] = r.cost;
  return out;
}

/** A customer's cost over the window: the sum over their threads. Null when there is no such customer. */
// shared_threads_customer_idx for the threads, then api_usage_thread_cost_idx per thread.
export async function customerCost(db: Db, params: Window & { customerId: number }) {
  const b = bounds(params);
  const { rows } = await sql<{ found: boolean; cost: number | null; threads: number }>`
    SELECT EXISTS (SELECT 1 FROM customers WHERE id = ${params.customerId}) AS found,
           (SELECT count(*)::int FROM shared_threads WHERE customer_id = ${params.customerId}) AS threads,
           (SELECT sum(u.estimated_cost_cents) FROM shared_threads t
              JOIN api_usage u ON u.thread_id = t.id AND u.thread_id IS NOT NULL
               AND u.created_at >= ${start(b.from, params.timeZone)} AND u.created_at < ${start(b.today, params.timeZone)}
             WHERE t.customer_id = ${params.customerId}) AS cost`.execute(db);
  const r = rows[0]!;
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

/**
 * The threads and the customers that cost most over the window, with their share of all spend.
 * Reads every thread-tagged row of the window (api_usage_thread_cost_idx is led by thread_id, so
 * this is a scan of it filtered on created_at): cost grows with the window's rows; measured in the
 * bench, not yet within the 5 ms target at 1M rows (see README).
 */
const bySpend = (a: Spender, b: Spender) => b.costCents - a.costCents || (a.id < b.id ? -1 : 1);

export async function topSpenders(db: Db, params: Window & { limit: number }) {
  const b = bounds(params);
  const { rows } = await sql<{ kind: 'thread' | 'customer' | 'all'; id: string | null; label: string | null; cost: number; calls: number }>`
    WITH per_thread AS (
      SELECT thread_id, sum(estimated_cost_cents) AS cost, count(*)::int AS calls FROM api_usage
      WHERE thread_id IS NOT NULL AND created_at >= ${start(b.from, params.timeZone)} AND created_at < ${start(b.today, params.timeZone)}
      GROUP BY thread_id
    ), all_spend AS (
      SELECT sum(cost_cents) AS cost, sum(calls)::int AS calls FROM api_usage_daily WHERE day >= ${b.from}::date AND day <= ${b.to}::date
    )
    (SELECT 'all' AS kind, NULL AS id, NULL AS label, coalesce(cost, 0) AS cost, coalesce(calls, 0) AS calls FROM all_spend)
    UNION ALL
    (SELECT 'thread', p.thread_id::text, coalesce(t.contact_name, t.contact_phone, 'Conversation'), p.cost, p.calls
       FROM per_thread p JOIN shared_threads t ON t.id = p.thread_id ORDER BY p.cost DESC, p.thread_id LIMIT ${params.limit})
    UNION ALL
    (SELECT 'customer', c.id::text, c.name, sum(p.cost), sum(p.calls)::int
       FROM per_thread p JOIN shared_threads t ON t.id = p.thread_id JOIN customers c ON c.id = t.customer_id
      GROUP BY c.id, c.name ORDER BY 4 DESC, c.id LIMIT ${params.limit})`.execute(db);
  const all = rows.find((r) => r.kind === 'all')!;
  const shape = (r: (typeof rows)[number]): Spender => ({
    id: r.id!,
    label: r.label!,
    costCents: r.cost,
    calls: r.calls,
    share: all.cost > 0 ? r.cost / all.cost : 0,
  });
  return {
    period: { from: b.from, to: b.to, days: params.days },
    totalCents: all.cost,
    // UNION ALL keeps no order of its own: sorted again here.
    threads: rows
      .filter((r) => r.kind === 'thread')
      .map(shape)
      .sort(bySpend),
    customers: rows
      .filter((r) => r.kind === 'customer')
      .map(shape)
      .sort(bySpend),
  };
}

/** One conversation's cost over the window; null when there is no such thread. */
export async function threadCost(db: Db, params: Window & { threadId: string }) {
  const { rows } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM shared_threads WHERE id = ${params.threadId}::uuid`.execute(db);
  if (!rows[0]?.n) return null;
  const b = bounds(params);
  const costs = await threadCosts(db, { ...params, threadIds: [params.threadId] });
  return { threadId: params.threadId, from: b.from, to: b.to, costCents: costs[params.threadId] ?? 0 };
}
