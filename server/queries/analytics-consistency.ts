import { sql } from 'kysely';
import type { Db } from '@/db/client';
import { Acc, type Totals } from './analytics-shape';

export interface ConsistencyRow {
  day: string;
  service: string;
  rollup: Totals;
  raw: Totals;
}

export interface RollupConsistency {
  timeZone: string;
  backfilledAt: Date | null;
  from: string;
  to: string;
  consistent: boolean;
  /** (day, service) keys compared. */
  keys: number;
  rollup: Totals;
  raw: Totals;
  /** Keys whose rollup row differs from the raw rows (first 100). */
  mismatches: ConsistencyRow[];
}

// api_usage_daily (PK range) against api_usage aggregated through api_usage_analytics_idx, in one
// statement, so one snapshot: concurrent writers cannot make it report a false difference. Days
// are cut in the rollup's own zone. Cost grows with the rows in [from, to].
export async function rollupConsistency(db: Db, { from, to }: { from: string; to: string }): Promise<RollupConsistency> {
  // A scalar subquery: an InitPlan evaluated once, not a join (see costByServiceQuery) nor a function call per row.
  const zone = sql`(SELECT time_zone FROM api_usage_rollup_settings)`;
  const { rows } = await sql<{
    time_zone: string | null;
    backfilled_at: Date | null;
    day: string | null;
    service: string | null;
    raw_cost: number | null;
    raw_calls: number | null;
    raw_units: number | null;
    rollup_cost: number | null;
    rollup_calls: number | null;
    rollup_units: number | null;
  }>`
    SELECT time_zone, backfilled_at, NULL::text AS day, NULL::text AS service,
           NULL::numeric AS raw_cost, NULL::bigint AS raw_calls, NULL::bigint AS raw_units,
           NULL::numeric AS rollup_cost, NULL::bigint AS rollup_calls, NULL::bigint AS rollup_units
    FROM api_usage_rollup_settings
    UNION ALL
    SELECT NULL, NULL, coalesce(raw.day, r.day)::text, coalesce(raw.service, r.service),
           raw.cost_cents, raw.calls, raw.units, r.cost_cents, r.calls, r.units
    FROM (SELECT (created_at AT TIME ZONE ${zone})::date AS day, service,
                 sum(estimated_cost_cents) AS cost_cents, count(*) AS calls, sum(units) AS units
          FROM api_usage
          WHERE created_at >= (${from}::date::timestamp AT TIME ZONE ${zone})
            AND created_at < ((${to}::date + 1)::timestamp AT TIME ZONE ${zone})
          GROUP BY 1, 2) raw
    FULL JOIN (SELECT day, service, cost_cents, calls, units
               FROM api_usage_daily
               WHERE day >= ${from}::date AND day <= ${to}::date) r
      ON r.day = raw.day AND r.service = raw.service
    ORDER BY day NULLS FIRST, service`.execute(db);
  const head = rows.find((r) => r.day === null);
  if (!head?.time_zone) throw new Error('api_usage_rollup_settings has no row: rerun migration 0005_api_usage_daily_rollup');
  const rollup = new Acc();
  const raw = new Acc();
  const mismatches: ConsistencyRow[] = [];
  let keys = 0;
  for (const r of rows) {
    if (r.day === null || r.service === null) continue;
    keys++;
    const a = new Acc().add(r.rollup_cost ?? 0, r.rollup_calls ?? 0, r.rollup_units ?? 0);
    const b = new Acc().add(r.raw_cost ?? 0, r.raw_calls ?? 0, r.raw_units ?? 0);
    rollup.merge(a);
    raw.merge(b);
    if (!a.equals(b) && mismatches.length < 100) mismatches.push({ day: r.day, service: r.service, rollup: a.totals(), raw: b.totals() });
  }
  return {
    timeZone: head.time_zone,
    backfilledAt: head.backfilled_at,
    from,
    to,
    consistent: mismatches.length === 0,
    keys,
    rollup: rollup.totals(),
    raw: raw.totals(),
    mismatches,
  };
}
