export const SCALE_NAMES = ['demo', '100k', '1m', '10m'] as const;
export type ScaleName = (typeof SCALE_NAMES)[number];

/** The tables the seed fills; `--reset` empties exactly these (never auth_* or the migrations' tables). */
export const SEED_TABLES = [
  'customers',
  'shared_threads',
  'shared_thread_messages',
  'appointments',
  'api_usage',
  'shared_thread_pending_links',
  'webhook_events',
  'attribution_data',
] as const;
export type SeedTable = (typeof SEED_TABLES)[number];

/** Exact row counts, except attribution_data (one row per funnel step reached: ~1.3 per visitor). */
export interface SeedCounts {
  customers: number;
  shared_threads: number;
  shared_thread_messages: number;
  appointments: number;
  api_usage: number;
  shared_thread_pending_links: number;
  webhook_events: number;
  attributionVisitors: number;
  /** Threads far longer than the rest: 5,000+ messages from 50k rows up (e2e scrolls one). */
  longThreads: { count: number; minMessages: number; maxMessages: number };
}

/**
 * Counts for "about `rows` rows" in each of shared_thread_messages, appointments and api_usage:
 * 50,000 threads and 100,000 customers per million messages/appointments, as in production.
 */
export function countsForRows(rows: number): SeedCounts {
  if (!Number.isInteger(rows) || rows < 100) throw new Error(`rows must be an integer >= 100, got ${rows}`);
  const long =
    rows >= 50_000
      ? { count: Math.max(1, Math.round(rows / 200_000)), minMessages: 5_000, maxMessages: 8_000 }
      : { count: 1, minMessages: Math.round(rows * 0.06), maxMessages: Math.round(rows * 0.1) };
  return {
    customers: Math.round(rows / 10),
    shared_threads: Math.round(rows / 20),
    shared_thread_messages: rows,
    appointments: rows,
    api_usage: rows,
    shared_thread_pending_links: Math.round(rows / 5),
    webhook_events: Math.round(rows / 5),
    attributionVisitors: Math.round(rows / 4),
    longThreads: long,
  };
}

export const SCALES: Readonly<Record<ScaleName, SeedCounts>> = {
  // What `npm start` seeds on first run: enough to fill every page, seconds on the embedded database.
  demo: {
    customers: 400,
    shared_threads: 200,
    shared_thread_messages: 4_000,
    appointments: 3_000,
    api_usage: 6_000,
    shared_thread_pending_links: 500,
    webhook_events: 600,
    attributionVisitors: 1_500,
    longThreads: { count: 1, minMessages: 250, maxMessages: 400 },
  },
  '100k': countsForRows(100_000),
  '1m': countsForRows(1_000_000),
  '10m': countsForRows(10_000_000),
};

export function isScaleName(value: string): value is ScaleName {
  return (SCALE_NAMES as readonly string[]).includes(value);
}
