import { sql } from 'kysely';
import type { Db } from '@/db/client';
import { addDays } from '@/lib/business-day';
import { type SetBudgetInput, TOTAL_BUDGET } from '@/lib/contract/analytics';
import { costByServiceQuery, costByServiceRawQuery } from './analytics';
import { type DayRow, fromUnits, periodBounds, toUnits } from './analytics-shape';

/**
 * Monthly budgets per service (and '*' for all services), their spend and projection this business
 * month, and the evaluation that fires alerts (tables of the cost_budgets migration).
 *
 * Spend comes from the same one-statement rollup read as the cost page (costByServiceQuery: a few
 * hundred rows at any size), so the budget card and the chart agree to the cent.
 */

export interface Budget {
  service: string;
  monthlyCents: number;
  warnPercent: number;
  alertPercent: number;
  spikeMultiplier: number | null;
  updatedAt: Date;
  updatedBy: string | null;
}

export type BudgetLevel = 'ok' | 'warning' | 'alert';

export interface BudgetStatus extends Budget {
  /** Month to date, today's spend so far included. */
  spentCents: number;
  /** Completed days + the last 7 complete days' average x the days left (today included). */
  projectedCents: number;
  level: BudgetLevel;
  projectedLevel: BudgetLevel;
  todayCents: number;
  averageDailyCents: number;
}

interface BudgetRow {
  service: string;
  monthly_cents: string | number;
  warn_percent: number;
  alert_percent: number;
  spike_multiplier: string | number | null;
  updated_at: Date;
  updated_by: string | null;
}

const toBudget = (r: BudgetRow): Budget => ({
  service: r.service,
  monthlyCents: Number(r.monthly_cents),
  warnPercent: r.warn_percent,
  alertPercent: r.alert_percent,
  spikeMultiplier: r.spike_multiplier === null ? null : Number(r.spike_multiplier),
  updatedAt: r.updated_at,
  updatedBy: r.updated_by,
});

// cost_budgets is one row per budgeted service: a Seq Scan of a handful of rows.
export async function listBudgets(db: Db): Promise<Budget[]> {
  const { rows } = await sql<BudgetRow>`
    SELECT service, monthly_cents, warn_percent, alert_percent, spike_multiplier, updated_at, updated_by
    FROM cost_budgets ORDER BY service = ${TOTAL_BUDGET} DESC, service`.execute(db);
  return rows.map(toBudget);
}

export async function setBudget(db: Db, input: SetBudgetInput, updatedBy: string): Promise<Budget> {
  const { rows } = await sql<BudgetRow>`
    INSERT INTO cost_budgets (service, monthly_cents, warn_percent, alert_percent, spike_multiplier, updated_by)
    VALUES (${input.service}, ${input.monthlyCents}, ${input.warnPercent}, ${input.alertPercent}, ${input.spikeMultiplier}, ${updatedBy})
    ON CONFLICT (service) DO UPDATE SET monthly_cents = EXCLUDED.monthly_cents, warn_percent = EXCLUDED.warn_percent,
      alert_percent = EXCLUDED.alert_percent, spike_multiplier = EXCLUDED.spike_multiplier,
      updated_by = EXCLUDED.updated_by, updated_at = now()
    RETURNING service, monthly_cents, warn_percent, alert_percent, spike_multiplier, updated_at, updated_by`.execute(db);
  return toBudget(rows[0]!);
}

/** False when there was no such budget (the router answers NOT_FOUND). */
export async function deleteBudget(db: Db, service: string): Promise<boolean> {
  const r = await sql`DELETE FROM cost_budgets WHERE service = ${service}`.execute(db);
  return Number(r.numAffectedRows ?? 0) > 0;
}

/** Per service (and '*'), integer 1/10,000-cent amounts per business day. */
export interface MonthSpend {
  today: string;
  monthStart: string;
  monthEnd: string;
  daysInMonth: number;
  completedDays: number;
  daily: Map<string, Map<string, number>>;
}

// The rollup read of the cost page (api_usage_daily PK range, with its readiness gate), for the
// last 14 days and the month; the raw aggregate while the rollup is rebuilt or cut in another zone.
export async function monthSpend(db: Db, { timeZone, now }: { timeZone: string; now: Date }): Promise<MonthSpend> {
  const b = periodBounds(7, timeZone, now);
  const { rows } = await costByServiceQuery(timeZone, b).execute(db);
  const head = rows.find((r) => r.day === null);
  let dayRows: DayRow[] = rows.filter((r): r is typeof r & DayRow => r.day !== null);
  if (!head?.ready) dayRows = (await costByServiceRawQuery(timeZone, b).execute(db)).rows;
  const daily = new Map<string, Map<string, number>>();
  const add = (service: string, day: string, units: number) => {
    let m = daily.get(service);
    if (!m) daily.set(service, (m = new Map()));
    m.set(day, (m.get(day) ?? 0) + units);
  };
  for (const r of dayRows) {
    const u = toUnits(r.cost_cents);
    add(r.service, r.day, u);
    add(TOTAL_BUDGET, r.day, u);
  }
  return {
    today: b.today,
    monthStart: b.monthStart,
    monthEnd: b.monthEnd,
    daysInMonth: Number(b.monthEnd.slice(8, 10)),
    completedDays: Number(b.today.slice(8, 10)) - 1,
    daily,
  };
}

export function sumDays(m: Map<string, number> | undefined, from: string, to: string): number {
  let s = 0;
  for (const [day, u] of m ?? []) if (day >= from && day <= to) s += u;
  return s;
}

const levelOf = (spent: number, b: Budget): BudgetLevel =>
  spent >= (b.monthlyCents * b.alertPercent) / 100 ? 'alert' : spent >= (b.monthlyCents * b.warnPercent) / 100 ? 'warning' : 'ok';

export function statusOf(b: Budget, s: MonthSpend): BudgetStatus {
  const m = s.daily.get(b.service);
  const yesterday = addDays(s.today, -1);
  const completed = sumDays(m, s.monthStart, yesterday);
  const today = sumDays(m, s.today, s.today);
  const average = sumDays(m, addDays(s.today, -7), yesterday) / 7;
  const spentCents = fromUnits(completed + today);
  const projectedCents = fromUnits(completed + average * (s.daysInMonth - s.completedDays));
  return {
    ...b,
    spentCents,
    projectedCents,
    level: levelOf(spentCents, b),
    projectedLevel: levelOf(projectedCents, b),
    todayCents: fromUnits(today),
    averageDailyCents: fromUnits(average),
  };
}

export async function budgetStatus(db: Db, params: { timeZone: string; now?: Date }) {
  const now = params.now ?? new Date();
  const [budgets, spend] = await Promise.all([listBudgets(db), monthSpend(db, { timeZone: params.timeZone, now })]);
  return {
    month: { start: spend.monthStart, end: spend.monthEnd, today: spend.today },
    budgets: budgets.map((b) => statusOf(b, spend)),
  };
}
