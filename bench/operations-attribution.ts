import { sql } from 'kysely';
import type { Db } from '@/db/client';
import { DEFAULT_TIME_ZONE } from '@/db/seed';
import { addDays, businessDay, startOfBusinessDay } from '@/lib/business-day';
import { conversionFunnel, conversionFunnelSql } from '@/server/queries/attribution';
import type { BenchOperation } from './measure';

/**
 * Issue 23: the attribution funnel as the admin's page asks for it (whole business days), over 30
 * days and over a year, from the rollup (0024_attribution_rollup_tables); and the year from the raw
 * events (the statement the page ran before the rollup) to show what the rollup saves. Target:
 * the year's median at 1M rows <= 50 ms, about what 30 days costs.
 */
type Range = { from: Date; to: Date };

/** Ranges of `days` whole days ending on the last day with events, then a week earlier, and so on. */
function rangesOf(days: number) {
  return async (db: Db, count: number): Promise<Range[]> => {
    const { rows } = await sql<{ latest: Date | null }>`SELECT max(occurred_at) AS latest FROM attribution_data`.execute(db);
    const last = businessDay(DEFAULT_TIME_ZONE, rows[0]?.latest ?? new Date());
    return Array.from({ length: Math.min(count, 8) }, (_, k) => {
      const to = addDays(last, -7 * k);
      return { from: startOfBusinessDay(addDays(to, -(days - 1)), DEFAULT_TIME_ZONE), to: startOfBusinessDay(to, DEFAULT_TIME_ZONE, 1) };
    });
  };
}

const funnel = (key: string, label: string, days: number): BenchOperation<Range> => ({
  key,
  label,
  queryFunction: 'server/queries/attribution.ts#conversionFunnel',
  expectedIndexes: ['attribution_funnel_daily_key'],
  inputs: rangesOf(days),
  run: (db, i) => conversionFunnel(db, i),
});

/**
 * The same year from the raw events: every visitor of the range, one journey lookup each. Not in
 * the bench's list: the bench measures every operation with 0002 rolled back too, and without
 * 0002's appointments (customer_id) index this statement sums each converted visitor's jobs by
 * reading every appointment (a single call ran past 18 minutes at 1M rows). Kept for a side-by-side
 * run with the indexes in place (2,372 ms at 1M when issue 23 was first measured, against 4.8 ms from the rollup).
 */
export const funnelYearRaw: BenchOperation<Range> = {
  key: 'attributionYearRaw',
  label: 'Attribution funnel: one year from the raw events (before the rollup)',
  queryFunction: 'server/queries/attribution.ts#conversionFunnelSql',
  expectedIndexes: ['attribution_data_conversion_event_idx'],
  inputs: rangesOf(365),
  run: (db, i) =>
    db.transaction().execute(async (trx) => {
      await sql`SET LOCAL jit = off`.execute(trx);
      return conversionFunnelSql(i).execute(trx);
    }),
};

export function attributionOperations(): BenchOperation<Range>[] {
  return [
    funnel('attribution30', 'Attribution funnel: 30 business days (rollup)', 30),
    funnel('attributionYear', 'Attribution funnel: one year, 365 business days (rollup)', 365),
  ];
}
