import type { Db } from '@/db/client';
import { addDays, businessDay } from '@/lib/business-day';
import { type RollupConsistency, rollupConsistency } from './analytics-consistency';
import { blockingLocks, describeLock, type Guard, guarded } from './db-health-guard';

/** The window the health page checks: the last 90 business days, today included. */
export const ROLLUP_CHECK_DAYS = 90;

/** Longer than the catalog reads: the raw side aggregates every api_usage row of the window. */
export const ROLLUP_GUARD: Guard = { lockTimeoutMs: 500, statementTimeoutMs: 5_000 };

const TABLES = ['api_usage', 'api_usage_daily', 'api_usage_rollup_settings'];

export type RollupCheck = { checked: true; days: number; result: RollupConsistency } | { checked: false; days: number; reason: string };

/**
 * The analytics rollup (api_usage_daily) against the raw api_usage rows for the last 90 days, by
 * server/queries/analytics.ts's own rollupConsistency (one statement, one snapshot). Skipped, with
 * the reason, while a table it reads is locked.
 */
export async function readRollupCheck(db: Db, timeZone: string, now = new Date(), guard = ROLLUP_GUARD): Promise<RollupCheck> {
  const to = businessDay(timeZone, now);
  const from = addDays(to, -(ROLLUP_CHECK_DAYS - 1));
  const locks = (await guarded(db, blockingLocks, guard)).filter((l) => TABLES.includes(l.table));
  if (locks.length) return { checked: false, days: ROLLUP_CHECK_DAYS, reason: `Not checked: ${locks.map(describeLock).join('; ')}.` };
  const result = await guarded(db, (trx) => rollupConsistency(trx, { from, to }), guard);
  return { checked: true, days: ROLLUP_CHECK_DAYS, result };
}
