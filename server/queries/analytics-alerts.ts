import { sql } from 'kysely';
import type { Db } from '@/db/client';
import { addDays } from '@/lib/business-day';
import type { AlertLevel } from '@/lib/contract/analytics';
import { fromUnits, periodBounds } from './analytics-shape';
import { type Budget, listBudgets, type MonthSpend, monthSpend, statusOf, sumDays } from './analytics-budgets';

/** Budget alerts: which are due, firing each once per level and period, their history and the banner's. */

export interface FiredAlert {
  id: number;
  service: string;
  level: AlertLevel;
  period: string;
  spendCents: number;
  thresholdCents: number;
  budgetCents: number;
  firedAt: Date;
}

/** What should have fired by now: each budget's crossed levels this month, and spikes of yesterday and today. */
export function dueAlerts(budgets: Budget[], s: MonthSpend): Array<Omit<FiredAlert, 'id' | 'firedAt'>> {
  const out: Array<Omit<FiredAlert, 'id' | 'firedAt'>> = [];
  const month = s.monthStart.slice(0, 7);
  for (const b of budgets) {
    const st = statusOf(b, s);
    for (const [level, percent] of [
      ['warning', b.warnPercent],
      ['alert', b.alertPercent],
    ] as const) {
      const threshold = (b.monthlyCents * percent) / 100;
      if (st.spentCents >= threshold)
        out.push({
          service: b.service,
          level,
          period: month,
          spendCents: st.spentCents,
          thresholdCents: threshold,
          budgetCents: b.monthlyCents,
        });
    }
    if (b.spikeMultiplier === null) continue;
    const m = s.daily.get(b.service);
    // A day (yesterday, complete; today, so far) above N x the average of the 7 complete days before it.
    for (const day of [addDays(s.today, -1), s.today]) {
      const average = sumDays(m, addDays(day, -7), addDays(day, -1)) / 7;
      const spent = m?.get(day) ?? 0;
      if (average > 0 && spent > average * b.spikeMultiplier) {
        out.push({
          service: b.service,
          level: 'spike',
          period: day,
          spendCents: fromUnits(spent),
          thresholdCents: fromUnits(average * b.spikeMultiplier),
          budgetCents: b.monthlyCents,
        });
      }
    }
  }
  return out;
}

/**
 * Fires what is due and not fired yet: INSERT .. ON CONFLICT (service, level, period) DO NOTHING
 * returns only the new alerts, so each level fires once per period however often (and in however
 * many processes) this runs; a delivery row per configured channel is queued with it, in the
 * same transaction.
 */
export async function evaluateBudgets(
  db: Db,
  params: { timeZone: string; now?: Date; channels: ReadonlyArray<'email' | 'webhook'> },
): Promise<FiredAlert[]> {
  const now = params.now ?? new Date();
  const [budgets, spend] = await Promise.all([listBudgets(db), monthSpend(db, { timeZone: params.timeZone, now })]);
  const due = dueAlerts(budgets, spend);
  if (due.length === 0) return [];
  return db.transaction().execute(async (trx) => {
    const fired: FiredAlert[] = [];
    for (const a of due) {
      const { rows } = await sql<{ id: string; fired_at: Date }>`
        INSERT INTO cost_alerts (service, level, period, spend_cents, threshold_cents, budget_cents, fired_at)
        VALUES (${a.service}, ${a.level}, ${a.period}, ${a.spendCents}, ${a.thresholdCents}, ${a.budgetCents}, ${now})
        ON CONFLICT (service, level, period) DO NOTHING
        RETURNING id, fired_at`.execute(trx);
      if (!rows[0]) continue;
      const id = Number(rows[0].id);
      for (const channel of params.channels) {
        await sql`INSERT INTO cost_alert_deliveries (alert_id, channel, next_attempt_at) VALUES (${id}, ${channel}, ${now})`.execute(trx);
      }
      fired.push({ ...a, id, firedAt: rows[0].fired_at });
    }
    return fired;
  });
}

export interface AlertHistoryEntry extends FiredAlert {
  deliveries: Array<{ channel: 'email' | 'webhook'; attempts: number; deliveredAt: Date | null; lastError: string | null }>;
}

// cost_alerts_fired_at_idx (newest first, LIMIT) and the deliveries' primary key.
export async function alertHistory(db: Db, { limit }: { limit: number }): Promise<AlertHistoryEntry[]> {
  const { rows } = await sql<{
    id: string;
    service: string;
    level: AlertLevel;
    period: string;
    spend_cents: string;
    threshold_cents: string;
    budget_cents: string;
    fired_at: Date;
    deliveries: Array<{ channel: 'email' | 'webhook'; attempts: number; delivered_at: string | null; last_error: string | null }>;
  }>`
    SELECT a.id, a.service, a.level, a.period, a.spend_cents, a.threshold_cents, a.budget_cents, a.fired_at,
           coalesce((SELECT json_agg(json_build_object('channel', d.channel, 'attempts', d.attempts, 'delivered_at', d.delivered_at, 'last_error', d.last_error) ORDER BY d.channel)
                     FROM cost_alert_deliveries d WHERE d.alert_id = a.id), '[]') AS deliveries
    FROM cost_alerts a ORDER BY a.fired_at DESC, a.id DESC LIMIT ${limit}`.execute(db);
  return rows.map((r) => ({
    id: Number(r.id),
    service: r.service,
    level: r.level,
    period: r.period,
    spendCents: Number(r.spend_cents),
    thresholdCents: Number(r.threshold_cents),
    budgetCents: Number(r.budget_cents),
    firedAt: r.fired_at,
    deliveries: r.deliveries.map((d) => ({
      channel: d.channel,
      attempts: d.attempts,
      deliveredAt: d.delivered_at ? new Date(d.delivered_at) : null,
      lastError: d.last_error,
    })),
  }));
}

/** Alerts of the current month and today's spikes: what the dashboard banner shows. */
export async function activeAlerts(db: Db, { timeZone, now = new Date() }: { timeZone: string; now?: Date }) {
  const b = periodBounds(1, timeZone, now);
  const { rows } = await sql<{ service: string; level: AlertLevel; period: string; fired_at: Date }>`
    SELECT service, level, period, fired_at FROM cost_alerts
    WHERE period IN (${b.monthStart.slice(0, 7)}, ${b.today}, ${b.to})
    ORDER BY CASE level WHEN 'alert' THEN 0 WHEN 'spike' THEN 1 ELSE 2 END, service`.execute(db);
  // A level superseded by a higher one of the same budget and month is not repeated.
  const alerted = new Set(rows.filter((r) => r.level === 'alert').map((r) => r.service));
  return rows
    .filter((r) => !(r.level === 'warning' && alerted.has(r.service)))
    .map((r) => ({ service: r.service, level: r.level, period: r.period, firedAt: r.fired_at }));
}
