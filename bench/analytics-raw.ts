import { type RawBuilder, sql } from 'kysely';
import type { Db } from '@/db/client';
import { type CostByServiceParams, costByServiceRawQuery } from '@/server/queries/analytics';
import { type Bounds, type CostByServiceResult, type DayRow, periodBounds, shape } from '@/server/queries/analytics-shape';

// Variants the dashboard does not serve, kept for the benchmark (and the tests' baseline).

/**
 * Today's rows aggregated from api_usage by an Index Only Scan on api_usage_analytics_idx: what
 * issue 11's design read on top of the rollup. Not served; the benchmark measures it to show why
 * today comes from the rollup too (its cost grows with the day's rows).
 */
export function costTodayRawQuery(timeZone: string, b: Pick<Bounds, 'today' | 'tomorrow'>): RawBuilder<DayRow> {
  return sql`
    SELECT ${b.today}::text AS day, service, sum(estimated_cost_cents) AS cost_cents, count(*) AS calls, sum(units) AS units
    FROM api_usage
    WHERE created_at >= (${b.today}::date::timestamp AT TIME ZONE ${timeZone})
      AND created_at < (${b.tomorrow}::date::timestamp AT TIME ZONE ${timeZone})
    GROUP BY service`;
}

// api_usage_analytics_idx only (Index Only Scan over the whole window): the benchmark's baseline.
export async function costByServiceRaw(db: Db, params: CostByServiceParams): Promise<CostByServiceResult> {
  const asOf = params.now ?? new Date();
  const b = periodBounds(params.days, params.timeZone, asOf);
  const { rows } = await costByServiceRawQuery(params.timeZone, b).execute(db);
  return shape(rows, b, params, asOf, 'raw', null);
}
