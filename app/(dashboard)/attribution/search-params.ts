import { createLoader, createParser } from 'nuqs/server';

// The funnel's date range lives in the URL (?from=2026-10-01&to=2026-10-31), whole days in the
// business time zone. One definition for the server page (prefetch) and the client (useQueryStates):
// both turn the URL into the same procedure input, so the prefetched query is the one hydrated.

/** A real calendar day "2026-03-09" (2026-02-30 is not). */
const parseAsDay = createParser({
  parse: (v) => (isDay(v) ? v : null),
  serialize: (v: string) => v,
});

export const attributionSearchParams = { from: parseAsDay, to: parseAsDay };
export const loadAttributionSearchParams = createLoader(attributionSearchParams);

/** Mirrors MAX_FUNNEL_DAYS in server/routers/attribution.ts (client files cannot import it). */
export const MAX_DAYS = 366;
export const DEFAULT_DAYS = 30;
export const PRESETS = [7, 30, 90, 365] as const;

export function isDay(v: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(v)) return false;
  const d = new Date(`${v}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === v && v >= '1970-01-01';
}

export function addDays(day: string, n: number): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000) + 1;
}

/** Today in the time zone, as "YYYY-MM-DD". */
export function todayIn(timeZone: string, now = new Date()): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(now);
}

/**
 * The procedure input for what the URL says: missing ends default to the last 30 days up to
 * `today`; a reversed range is read the right way round; more than a year keeps the last 366 days.
 */
export function funnelInput(p: { from: string | null; to: string | null }, today: string): { from: string; to: string } {
  let to = p.to ?? (p.from && p.from > today ? p.from : today);
  let from = p.from ?? addDays(to, -(DEFAULT_DAYS - 1));
  if (from > to) [from, to] = [to, from];
  if (daysBetween(from, to) > MAX_DAYS) from = addDays(to, -(MAX_DAYS - 1));
  return { from, to };
}
