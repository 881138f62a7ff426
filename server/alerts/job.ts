import type { Db } from '@/db/client';
import { evaluateBudgets } from '../queries/analytics-alerts';
import { channelsOf, type DeliveryConfig, deliverDue } from './deliver';

/**
 * One pass of the budget-alert job: evaluate the budgets against the rollup (each level fires
 * once per period), then deliver whatever is due, new alerts and retries alike. Safe to run in
 * several processes at once: firing is a UNIQUE insert and deliveries are leased.
 */
export async function runAlertPass(db: Db, cfg: DeliveryConfig, { timeZone, now = new Date() }: { timeZone: string; now?: Date }) {
  const fired = await evaluateBudgets(db, { timeZone, now, channels: channelsOf(cfg) });
  const delivery = await deliverDue(db, cfg, now);
  return { fired, ...delivery };
}
