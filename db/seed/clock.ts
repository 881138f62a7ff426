import { sql } from 'kysely';
import { addDays } from '@/lib/business-day';
import type { Db } from '../client';
import { businessFraction, businessHours, lit, localTime } from './sql-kit';

/** Mon..Sun share of a weekday's conversation volume. */
const DAY_WEIGHTS = [1, 1, 1, 1, 1, 0.5, 0.25];
const DAY_STARTS = [0, 1, 2, 3, 4, 5, 5.5];
const WEEK = 5.75;

/**
 * Where seeded time comes from. Everything is an offset from `anchor` (a fixed instant, by default
 * the start of the current hour), so one anchor and one seed always give the same rows.
 *
 * Conversations live on a "business axis": a position grows by 1 per weekday, 0.5 per Saturday and
 * 0.25 per Sunday, and within a day maps to 07:00-21:00 local time with a midday peak. The mapping
 * is monotonic, so messages ordered by position are ordered in time, and uniform positions give the
 * weekly and daily rhythm of a real inbox.
 */
export interface SeedClock {
  anchor: Date;
  /** The anchor as a timestamptz literal. */
  anchorSql: string;
  timeZone: string;
  /** The anchor's local date, YYYY-MM-DD. */
  anchorDate: string;
  /** Day 0 of the seeded year (anchorDate - 364) as a date literal; day 364 is the anchor's day. */
  dayZeroSql: string;
  /** Share of the anchor day's business volume that lies before the anchor. */
  todayFraction: number;
  /** Business-axis positions of day 0's start and of the anchor. */
  posStart: number;
  posEnd: number;
  /** timestamptz of a business-axis position; `pos` should be a plain column (it is used several times). */
  bizTime(pos: string): string;
}

export async function makeClock(db: Db, timeZone: string, anchor?: Date): Promise<SeedClock> {
  const anchorArg = anchor ? anchor.toISOString() : null;
  const { rows } = await sql<{ anchor: string; local_date: string; local_hour: number }>`
    select to_char(a at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as anchor,
           to_char(a at time zone ${timeZone}, 'YYYY-MM-DD') as local_date,
           extract(epoch from (a at time zone ${timeZone})::time)::float8 / 3600 as local_hour
    from (select coalesce(${anchorArg}::timestamptz, date_trunc('hour', now())) as a) x`.execute(db);
  const row = rows[0]!;
  const anchorDate = row.local_date;
  const dayZero = addDays(anchorDate, -364);
  // The business axis starts on the Monday on or before day 0.
  const origin = addDays(dayZero, -isoWeekday(dayZero));
  const posOfDay = (date: string) => {
    const d = daysBetween(origin, date);
    return Math.floor(d / 7) * WEEK + DAY_STARTS[d % 7]!;
  };
  const todayFraction = businessFraction(Number(row.local_hour));
  const anchorDow = isoWeekday(anchorDate);
  const posEnd = posOfDay(anchorDate) + DAY_WEIGHTS[anchorDow]! * todayFraction - 1e-9;
  const originSql = `${lit(origin)}::date`;
  return {
    anchor: new Date(row.anchor),
    anchorSql: `${lit(row.anchor)}::timestamptz`,
    timeZone,
    anchorDate,
    dayZeroSql: `${lit(dayZero)}::date`,
    todayFraction,
    posStart: posOfDay(dayZero),
    posEnd,
    bizTime(pos) {
      const w = `floor((${pos}) / ${WEEK})`;
      const r = `((${pos}) - ${w} * ${WEEK})`;
      const dow = `(CASE WHEN ${r} < 5 THEN floor(${r}) WHEN ${r} < 5.5 THEN 5 ELSE 6 END)`;
      const frac = `(CASE WHEN ${r} < 5 THEN ${r} - floor(${r}) WHEN ${r} < 5.5 THEN (${r} - 5) * 2 ELSE least(1, (${r} - 5.5) * 4) END)`;
      return localTime(`${originSql} + (${w} * 7 + ${dow})::int`, businessHours(frac), timeZone);
    },
  };
}

/** Monday = 0 .. Sunday = 6. */
function isoWeekday(date: string): number {
  return (new Date(`${date}T00:00:00Z`).getUTCDay() + 6) % 7;
}

function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}
