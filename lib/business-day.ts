/**
 * Business-day arithmetic: days are calendar days in the business's time zone, carried as
 * `YYYY-MM-DD` strings (never Dates), so nothing shifts a day in the browser's or server's zone and
 * a 23- or 25-hour DST day is still one day. The zone is always passed in.
 */

const formatters = new Map<string, Intl.DateTimeFormat>();

/** The calendar day (YYYY-MM-DD) of `at` in `timeZone`. */
export function businessDay(at: Date, timeZone: string): string {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
    formatters.set(timeZone, f);
  }
  const p = Object.fromEntries(f.formatToParts(at).map((x) => [x.type, x.value]));
  return `${p.year}-${p.month}-${p.day}`;
}

/** Calendar arithmetic on YYYY-MM-DD (no zone involved: a day is a day). */
export function addDays(day: string, n: number): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

/** The days from `from` to `to`, both included, in order. */
export function dayRange(from: string, to: string): string[] {
  const out: string[] = [];
  for (let d = from; d <= to; d = addDays(d, 1)) out.push(d);
  return out;
}

/** First and last day of the month `day` falls in. */
export function monthBounds(day: string): { start: string; end: string; days: number } {
  const start = `${day.slice(0, 8)}01`;
  const end = addDays(`${addDays(start, 31).slice(0, 8)}01`, -1);
  return { start, end, days: Number(end.slice(8, 10)) };
}

/** "2025-11" for any day of November 2025: the key of a monthly budget period. */
export function monthKey(day: string): string {
  return day.slice(0, 7);
}
