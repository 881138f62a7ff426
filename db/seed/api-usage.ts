import { calendarSql } from './appointments';
import type { SeedContext } from './context';
import { businessHours, localTime, num, numArray, textArray } from './sql-kit';

/** [endpoint, unit type, min units, max units, cents per unit, weight within the service]. */
type Endpoint = readonly [string, string, number, number, number, number];

interface Service {
  name: string;
  /** Share of calls at the start of the year, before growth. */
  base: number;
  /** Volume multiplier at day 0 and at day 364. */
  growth: readonly [number, number];
  /** Day the integration went live (it ramps up over 30 days); -30: live before the year began. */
  since: number;
  /** Mon..Sun volume relative to a weekday. */
  week: readonly number[];
  /** Share of calls made for a conversation (thread_id set). */
  threadShare: number;
  endpoints: readonly Endpoint[];
}

const BUSINESS_WEEK = [1, 1, 1, 1, 1, 0.55, 0.35];
const OFFICE_WEEK = [1, 1, 1, 1, 1, 0.3, 0.15];
const TWILIO = '/2010-04-01/Accounts/AC5e0c6b3f2d9a4c8e7f1b2a3d4c5e6f70';

// Prices are list prices in cents per unit, so the 30-day cost chart lands where a small
// business's bill does: the LLMs and speech lead, SMS and voice follow, e-mail is noise.
export const API_SERVICES: readonly Service[] = [
  {
    name: 'openai',
    base: 30,
    growth: [1.1, 0.8],
    since: -30,
    week: BUSINESS_WEEK,
    threadShare: 0.7,
    endpoints: [
      ['/v1/chat/completions', 'tokens', 400, 4000, 0.0004, 7],
      ['/v1/embeddings', 'tokens', 20, 800, 0.000002, 3],
    ],
  },
  {
    name: 'anthropic',
    base: 14,
    growth: [0.6, 1.7],
    since: 120,
    week: BUSINESS_WEEK,
    threadShare: 0.8,
    endpoints: [['/v1/messages', 'tokens', 800, 6000, 0.0009, 1]],
  },
  {
    name: 'twilio_sms',
    base: 20,
    growth: [0.9, 1.35],
    since: -30,
    week: BUSINESS_WEEK,
    threadShare: 0.85,
    endpoints: [[`${TWILIO}/Messages.json`, 'segments', 1, 3, 0.79, 1]],
  },
  {
    name: 'twilio_voice',
    base: 5,
    growth: [0.9, 1.2],
    since: -30,
    week: BUSINESS_WEEK,
    threadShare: 0.9,
    endpoints: [[`${TWILIO}/Calls.json`, 'minutes', 1, 14, 1.4, 1]],
  },
  {
    name: 'google_maps',
    base: 14,
    growth: [0.9, 1.3],
    since: -30,
    week: BUSINESS_WEEK,
    threadShare: 0,
    endpoints: [
      ['/maps/api/geocode/json', 'requests', 1, 1, 0.5, 4],
      ['/maps/api/distancematrix/json', 'elements', 1, 12, 0.5, 3],
      ['/maps/api/place/autocomplete/json', 'requests', 1, 1, 0.283, 3],
    ],
  },
  {
    name: 'sendgrid_email',
    base: 10,
    growth: [1, 1.25],
    since: -30,
    week: OFFICE_WEEK,
    threadShare: 0,
    endpoints: [['/v3/mail/send', 'emails', 1, 1, 0.0899, 1]],
  },
  {
    name: 'deepgram_transcription',
    base: 5,
    growth: [0.8, 1.3],
    since: -30,
    week: BUSINESS_WEEK,
    threadShare: 0.9,
    endpoints: [['/v1/listen', 'minutes', 1, 14, 0.43, 1]],
  },
  {
    name: 'elevenlabs_speech',
    base: 4,
    growth: [0.5, 1.6],
    since: 200,
    week: BUSINESS_WEEK,
    threadShare: 0.9,
    endpoints: [
      ['/v1/text-to-speech/21m00Tcm4TlvDq8ikWAM', 'characters', 60, 900, 0.018, 4],
      ['/v1/text-to-speech/21m00Tcm4TlvDq8ikWAM/stream', 'characters', 60, 600, 0.018, 3],
    ],
  },
];

/** Days where one service misbehaved: [service index (1-based), day, multiplier]. */
const INCIDENTS: ReadonlyArray<readonly [number, number, number]> = [
  [3, 291, 3.5], // an SMS retry loop
  [5, 220, 2.2], // a geocoding cache outage
  [1, 330, 1.8],
  [1, 331, 1.5],
];

/**
 * One row per outside API call over the 365 days up to the anchor. A calendar allocates the exact
 * total over days by the sum of the services' daily weights (growth, weekly rhythm, noise,
 * incidents); each call then picks its service with that day's shares, its endpoint, units and cost.
 * Times within a day follow business hours and grow with the row number, so ids follow time.
 */
export async function seedApiUsage(ctx: SeedContext): Promise<number> {
  const { rng, clock, counts } = ctx;
  const N = counts.api_usage;
  const S = API_SERVICES.length;
  const endpoints = API_SERVICES.flatMap((s) => s.endpoints);
  // Per service, its endpoints repeated by weight: pool[offset[s] + i].
  const pool: number[] = [];
  const offset: number[] = [];
  const size: number[] = [];
  let e = 0;
  for (const s of API_SERVICES) {
    offset.push(pool.length);
    for (const ep of s.endpoints) {
      e += 1;
      for (let i = 0; i < ep[5]; i++) pool.push(e);
    }
    size.push(pool.length - offset[offset.length - 1]!);
  }
  const arr = (f: (s: Service) => number) => numArray(API_SERVICES.map(f));
  const week = numArray(API_SERVICES.flatMap((s) => s.week));
  const incident = INCIDENTS.map(([s, d, m]) => `WHEN s = ${s} AND d = ${d} THEN ${m}`).join(' ');
  const serviceWeight = `(${arr((s) => s.base)})[s]
      * ((${arr((s) => s.growth[0])})[s] + ((${arr((s) => s.growth[1])})[s] - (${arr((s) => s.growth[0])})[s]) * d / 364.0)
      * least(1, greatest(0, (d - (${arr((s) => s.since)})[s] + 1) / 30.0))
      * (${week})[(s - 1) * 7 + extract(isodow FROM ${clock.dayZeroSql} + d)::int]
      * (0.88 + 0.24 * ${rng.u('d * 16 + s', 501)})
      * (CASE ${incident} ELSE 1 END)
      * (CASE WHEN d = 364 THEN ${num(clock.todayFraction)} ELSE 1 END)`;
  // The calendar's day weight is the sum over services; `shares` holds each day's cumulative
  // service shares for width_bucket.
  const dayWeight = `(SELECT sum(${serviceWeight}) FROM generate_series(1, ${S}) AS s)`;
  const shares = `(SELECT (array_agg(cw / nullif(total, 0) ORDER BY s))[1:${S - 1}] FROM (
        SELECT s, sum(w) OVER (ORDER BY s) AS cw, sum(w) OVER () AS total
        FROM (SELECT s, ${serviceWeight} AS w FROM generate_series(1, ${S}) AS s) ws) x)`;
  const daysPerChunk = Math.max(1, Math.floor((365 * ctx.chunkRows) / N));
  let total = 0;
  for (let from = 0; from < 365; from += daysPerChunk) {
    const to = Math.min(365, from + daysPerChunk) - 1;
    total += await ctx.run(
      `
      INSERT INTO api_usage (id, service, endpoint, units, unit_type, estimated_cost_cents, thread_id, created_at)
      ${calendarSql(ctx, 365, N, dayWeight)}
      SELECT n, (${textArray(API_SERVICES.map((s) => s.name))})[s], (${textArray(endpoints.map((x) => x[0]))})[ep],
             units, (${textArray(endpoints.map((x) => x[1]))})[ep],
             round((units * (${numArray(endpoints.map((x) => x[4]))})[ep])::numeric, 4),
             CASE WHEN ${rng.u('n', 505)} < (${arr((s) => s.threadShare)})[s]
                  THEN ${rng.uuid('thread', rng.int('n', 506, 1, counts.shared_threads))} END,
             created_at
      FROM (
        SELECT *, (${numArray(
          endpoints.map((x) => x[2]),
          'int',
        )})[ep]
                  + floor(power(${rng.u('n', 504)}, 2) * ((${numArray(
                    endpoints.map((x) => x[3]),
                    'int',
                  )})[ep] - (${numArray(
                    endpoints.map((x) => x[2]),
                    'int',
                  )})[ep] + 1))::int AS units
        FROM (
          SELECT *, (${numArray(pool, 'int')})[(${numArray(offset, 'int')})[s] + 1 + floor(${rng.u('n', 503)} * (${numArray(size, 'int')})[s])::int] AS ep
          FROM (
            SELECT c.lo + k AS n,
                   1 + width_bucket(${rng.u('c.lo + k', 502)}, c.shares) AS s,
                   ${localTime('c.day', businessHours(`(k - 0.5::float8) / (c.hi - c.lo) * CASE WHEN c.d = 364 THEN ${num(clock.todayFraction)} ELSE 1 END`), clock.timeZone)} AS created_at
            FROM (SELECT *, ${shares} AS shares FROM calendar WHERE d BETWEEN ${from} AND ${to} OFFSET 0) c
            CROSS JOIN LATERAL generate_series(1, (c.hi - c.lo)::int) AS k
            OFFSET 0
          ) a
          OFFSET 0
        ) b
      ) x`,
      'api_usage',
    );
    ctx.progress('api_usage', total);
  }
  return total;
}
