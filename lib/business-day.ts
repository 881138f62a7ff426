import { TZDate } from '@date-fns/tz';

// Calendar days of the business ("2026-03-08") and the instants that bound them. The time zone is
// always passed in (the server reads BUSINESS_TIME_ZONE once and hands it down), so a test can pin
// any zone and the browser formats with the same one the server queried with.

export type IsoDay = string;

const ISO_DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

/** A real calendar day written "YYYY-MM-DD" (2026-02-30 is not one). */
export function isIsoDay(s: string): boolean {
  const m = ISO_DAY.exec(s);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.toISOString().slice(0, 10) === s;
}

function parts(day: IsoDay): [number, number, number] {
  const m = ISO_DAY.exec(day);
  if (!m) throw new RangeError(`Not a calendar day: ${day}`);
  return [Number(m[1]), Number(m[2]), Number(m[3])];
}

/** Calendar arithmetic on the day itself (no time zone involved: a day is a day, DST or not). */
export function addDays(day: IsoDay, n: number): IsoDay {
  const [y, m, d] = parts(day);
  return new Date(Date.UTC(y, m - 1, d + n)).toISOString().slice(0, 10);
}

/** 1 = Monday .. 7 = Sunday. */
export function isoWeekday(day: IsoDay): number {
  const [y, m, d] = parts(day);
  return new Date(Date.UTC(y, m - 1, d)).getUTCDay() || 7;
}

/** The Monday of the ISO week holding `day`. */
export function weekStart(day: IsoDay): IsoDay {
  return addDays(day, 1 - isoWeekday(day));
}

/**
 * The instant the business day begins: local midnight in `timeZone`. On a day whose midnight does
 * not exist (a DST jump at 00:00, as in America/Santiago), the first instant that does.
 */
export function startOfDay(day: IsoDay, timeZone: string): Date {
  const [y, m, d] = parts(day);
  return new Date(new TZDate(y, m - 1, d, timeZone).getTime());
}

/** [first day 00:00, the day after the last 00:00) in `timeZone`: 23, 24 or 25 hours a day. */
export function dayRange(first: IsoDay, days: number, timeZone: string): { from: Date; to: Date } {
  return { from: startOfDay(first, timeZone), to: startOfDay(addDays(first, days), timeZone) };
}

/** The business day an instant falls on. */
export function businessDayOf(at: Date, timeZone: string): IsoDay {
  // en-CA prints YYYY-MM-DD.
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(at);
}
