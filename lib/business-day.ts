import { TZDate } from '@date-fns/tz';

// Calendar days in the business's time zone, as "YYYY-MM-DD" strings. The zone is always passed in
// (the server reads it from the environment once; a client receives it from the page), so this
// module has no server code and both sides compute the same days. Routers never do date arithmetic:
// they call `dayBounds` / `startOfBusinessDay` with what their contract validated.

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** A real calendar day "2026-03-09" (2026-02-30 and years before 1970 are not). */
export function isDay(v: string): boolean {
  if (!DAY.test(v)) return false;
  const d = new Date(`${v}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === v && v >= '1970-01-01';
}

/** Calendar arithmetic on YYYY-MM-DD (no zone involved: a day is a day, whatever DST does). */
export function addDays(day: string, n: number): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

/** How many days [from, to] holds, both ends included ("2026-03-01".."2026-03-01" is 1). */
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000) + 1;
}

/** The days from `from` to `to`, both included, in order. */
export function dayRange(from: string, to: string): string[] {
  const out: string[] = [];
  for (let d = from; d <= to; d = addDays(d, 1)) out.push(d);
  return out;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** The calendar day of the instant `at` in `timeZone` (defaults to now: "today"). */
export function businessDay(timeZone: string, at: Date = new Date()): string {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
    formatters.set(timeZone, f);
  }
  const p = Object.fromEntries(f.formatToParts(at).map((x) => [x.type, x.value]));
  return `${p.year}-${p.month}-${p.day}`;
}

/** The instant `day` + `plusDays` begins in `timeZone` (local midnight; DST-aware). */
export function startOfBusinessDay(day: string, timeZone: string, plusDays = 0): Date {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  return new Date(new TZDate(y, m - 1, d + plusDays, timeZone).getTime());
}

/**
 * Whole days as a half-open range of instants: [start of `from`, start of the day after `to`).
 * A missing end stays open (null).
 */
export function dayBounds(range: { from?: string | null; to?: string | null }, timeZone: string): { from: Date | null; to: Date | null } {
  return {
    from: range.from ? startOfBusinessDay(range.from, timeZone) : null,
    to: range.to ? startOfBusinessDay(range.to, timeZone, 1) : null,
  };
}

/** First and last day of the month `day` falls in, and how many days it has. */
export function monthBounds(day: string): { start: string; end: string; days: number } {
  const start = `${day.slice(0, 8)}01`;
  const end = addDays(`${addDays(start, 31).slice(0, 8)}01`, -1);
  return { start, end, days: Number(end.slice(8, 10)) };
}

/** 1 = Monday .. 7 = Sunday. */
export function isoWeekday(day: string): number {
  return new Date(`${day}T00:00:00Z`).getUTCDay() || 7;
}

/** The Monday of the ISO week holding `day` (the schedule's weeks run Monday to Sunday). */
export function weekStart(day: string): string {
  return addDays(day, 1 - isoWeekday(day));
}
