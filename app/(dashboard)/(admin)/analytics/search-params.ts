import { createLoader, createParser } from 'nuqs/server';
import { DEFAULT_DAYS, parseDays } from '@/lib/contract/analytics';

// The range lives in the URL (?days=7). One definition for the server page (prefetch) and the
// client (useQueryStates), so both build the same procedure input and the prefetched query is the
// one that hydrates. Any whole number of days the API accepts works (1..365); the page offers presets.

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
