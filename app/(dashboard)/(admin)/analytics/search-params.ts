import { createLoader, createParser } from 'nuqs/server';

// The range lives in the URL (?days=7). One definition for the server page (prefetch) and the
// client (useQueryStates), so both build the same procedure input and the prefetched query is the
// one that hydrates. Any whole number of days the API accepts works (1..365); the page offers presets.

export const PRESETS = [7, 30, 90] as const;
export const DEFAULT_DAYS = 30;
/** Mirrors the router's limit (client files cannot import it). */
export const MAX_DAYS = 365;

/** "7" -> 7; anything else ("abc", "0", "1.5", "999") -> null, which falls back to the default. */
export function parseDays(value: string): number | null {
  if (!/^\d{1,3}$/.test(value)) return null;
  const n = Number(value);
  return n >= 1 && n <= MAX_DAYS ? n : null;
}

const parseAsDays = createParser({ parse: parseDays, serialize: (n: number) => String(n) });

export const analyticsSearchParams = {
  days: parseAsDays.withDefault(DEFAULT_DAYS),
  /** Services hidden from the chart, the table and the CSV (legend toggles): ?hide=openai,deepgram */
  hide: createParser({
    parse: (v) => v.split(',').filter(Boolean),
    serialize: (v: string[]) => v.join(','),
    eq: (a, b) => a.length === b.length && a.every((x, i) => x === b[i]),
  }).withDefault([]),
};

export const loadAnalyticsSearchParams = createLoader(analyticsSearchParams);
