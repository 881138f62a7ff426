import { addDays, businessDay, dayRange, monthBounds } from '@/lib/business-day';

/**
 * The rules of the cost report, apart from its SQL: which days are compared with which, how money
 * is added (exactly), and how the month is projected.
 *
 * Like for like: the period is the N COMPLETE business days before today, compared with the N
 * complete days before those. Today is still open (at 04:00 it holds a few hours of spend), so it
 * is never part of a comparison: it is reported apart, "so far today", and feeds the month-end
 * projection only as what it is. Days are calendar days in the business zone, so a 23- or 25-hour
 * DST day counts as one day on both sides.
 *
 * Money: estimated_cost_cents is numeric(14,4) and pg hands numerics over as JS numbers. Sums are
 * added in integer units of 1/10,000 cent, so JS adds nothing up in floating point: totals are
 * exactly the decimal sums PostgreSQL would give, and the rollup and raw paths agree to the bit.
 */

export interface Totals {
  costCents: number;
  calls: number;
  units: number;
}

export interface ServiceCost extends Totals {
  service: string;
  /** This service's part of the period's cost, 0..1 (0 when the period cost nothing). */
  share: number;
  previous: Totals;
  /** Spent today so far (not part of the comparison). */
  today: Totals;
  /** Cost in cents per day, aligned with `days`: every day present, zero when nothing was spent. */
  daily: number[];
}

export interface MonthProjection {
  start: string;
  end: string;
  daysInMonth: number;
  /** Completed days this month (today excluded). */
  completedDays: number;
  completedCostCents: number;
  todaySoFarCents: number;
  averageDailyCents: number;
  projectedCents: number;
}

export interface CostByServiceResult {
  timeZone: string;
  /** Where whole days came from: the rollup, or the raw rows while it is rebuilt or cut in another zone. */
  source: 'rollup' | 'raw';
  /** The zone api_usage_daily is cut in (null for the raw variant, which does not read it). */
  rollupTimeZone: string | null;
  asOf: Date;
  /** The N complete days compared, inclusive; `to` is yesterday. */
  period: { from: string; to: string; days: number };
  /** The N complete days before `period.from`. */
  previous: { from: string; to: string };
  /** Every day of the period, in order (today is not among them: see `today`). */
  days: string[];
  /** Cost in cents per day, all services. */
  dailyTotals: number[];
  total: Totals;
  previousTotal: Totals;
  /** Today, still open: what it has cost so far. */
  today: Totals & { day: string };
  /** Services of either period or today, by this period's cost (then the previous one's, then name). */
  services: ServiceCost[];
  month: MonthProjection;
}

export interface Bounds {
  today: string;
  tomorrow: string;
  /** The compared period: [from, to], to = yesterday. */
  from: string;
  to: string;
  previousFrom: string;
  previousTo: string;
  monthStart: string;
  monthEnd: string;
  weekFrom: string;
  /** First day any part of the result needs. */
  readFrom: string;
}

export interface DayRow {
  day: string;
  service: string;
  cost_cents: number;
  calls: number;
  units: number;
}

/** N complete days ending yesterday, the N before them, this month, and the last 7 complete days. */
export function periodBounds(days: number, timeZone: string, now: Date): Bounds {
  const today = businessDay(timeZone, now);
  const to = addDays(today, -1);
  const from = addDays(today, -days);
  const previousFrom = addDays(from, -days);
  const month = monthBounds(today);
  const weekFrom = addDays(today, -7);
  const readFrom = [previousFrom, month.start, weekFrom].sort()[0]!;
  return {
    today,
    tomorrow: addDays(today, 1),
    from,
    to,
    previousFrom,
    previousTo: addDays(from, -1),
    monthStart: month.start,
    monthEnd: month.end,
    weekFrom,
    readFrom,
  };
}

/** Integer 1/10,000-cent units: exact for numeric(14,4) and far inside 2^53. */
const SCALE = 10_000;
export const toUnits = (cents: number) => Math.round(cents * SCALE);
export const fromUnits = (units: number) => units / SCALE;

export class Acc {
  cost = 0;
  calls = 0;
  units = 0;
  add(costCents: number, calls: number, units: number): this {
    this.cost += toUnits(costCents);
    this.calls += calls;
    this.units += units;
    return this;
  }
  merge(o: Acc): this {
    this.cost += o.cost;
    this.calls += o.calls;
    this.units += o.units;
    return this;
  }
  equals(o: Acc): boolean {
    return this.cost === o.cost && this.calls === o.calls && this.units === o.units;
  }
  totals(): Totals {
    return { costCents: fromUnits(this.cost), calls: this.calls, units: this.units };
  }
}

export function shape(
  rows: DayRow[],
  b: Bounds,
  params: { days: number; timeZone: string },
  asOf: Date,
  source: 'rollup' | 'raw',
  rollupTimeZone: string | null,
): CostByServiceResult {
  const days = dayRange(b.from, b.to);
  const index = new Map(days.map((d, i) => [d, i]));
  const perService = new Map<string, { cur: Acc; prev: Acc; today: Acc; daily: number[] }>();
  const dailyTotals = new Array<number>(days.length).fill(0);
  const total = new Acc();
  const previousTotal = new Acc();
  const today = new Acc();
  let monthCompleted = 0;
  let week = 0;

  for (const r of rows) {
    const cost = toUnits(r.cost_cents);
    if (r.day >= b.monthStart && r.day < b.today) monthCompleted += cost;
    if (r.day >= b.weekFrom && r.day < b.today) week += cost;
    const i = index.get(r.day);
    const isToday = r.day === b.today;
    const inPrevious = r.day >= b.previousFrom && r.day <= b.previousTo;
    if (i === undefined && !inPrevious && !isToday) continue;
    let s = perService.get(r.service);
    if (!s) {
      s = { cur: new Acc(), prev: new Acc(), today: new Acc(), daily: new Array<number>(days.length).fill(0) };
      perService.set(r.service, s);
    }
    if (isToday) {
      s.today.add(r.cost_cents, r.calls, r.units);
      today.add(r.cost_cents, r.calls, r.units);
    } else if (i !== undefined) {
      s.cur.add(r.cost_cents, r.calls, r.units);
      total.add(r.cost_cents, r.calls, r.units);
      s.daily[i]! += cost;
      dailyTotals[i]! += cost;
    } else {
      s.prev.add(r.cost_cents, r.calls, r.units);
      previousTotal.add(r.cost_cents, r.calls, r.units);
    }
  }

  const services: ServiceCost[] = [...perService.entries()]
    .sort(
      ([an, a], [bn, bb]) =>
        bb.cur.cost - a.cur.cost || bb.prev.cost - a.prev.cost || bb.today.cost - a.today.cost || (an < bn ? -1 : an > bn ? 1 : 0),
    )
    .map(([service, s]) => ({
      service,
      ...s.cur.totals(),
      share: total.cost === 0 ? 0 : s.cur.cost / total.cost,
      previous: s.prev.totals(),
      today: s.today.totals(),
      daily: s.daily.map(fromUnits),
    }));

  const daysInMonth = Number(b.monthEnd.slice(8, 10));
  const completedDays = Number(b.today.slice(8, 10)) - 1;
  const averageDaily = week / 7;
  return {
    timeZone: params.timeZone,
    source,
    rollupTimeZone,
    asOf,
    period: { from: b.from, to: b.to, days: params.days },
    previous: { from: b.previousFrom, to: b.previousTo },
    days,
    dailyTotals: dailyTotals.map(fromUnits),
    total: total.totals(),
    previousTotal: previousTotal.totals(),
    today: { day: b.today, ...today.totals() },
    services,
    month: {
      start: b.monthStart,
      end: b.monthEnd,
      daysInMonth,
      completedDays,
      completedCostCents: fromUnits(monthCompleted),
      todaySoFarCents: fromUnits(today.cost),
      averageDailyCents: fromUnits(averageDaily),
      // Today's partial spend is replaced by the average: the day is not over.
      projectedCents: fromUnits(monthCompleted + averageDaily * (daysInMonth - completedDays)),
    },
  };
}
