import { sql } from 'kysely';
import type { Db } from '@/db/client';
import type { FunnelStep } from '@/lib/contract/attribution';

export interface FunnelCounts {
  visitors: number;
  firstMessage: number;
  identityLinked: number;
  bookingMade: number;
  jobCompleted: number;
  /** Completed appointments of those who reached the last step, dated on or after their visit (cents). */
  revenueCents: number;
}
/** Step n / step n-1 (0..1), null when step n-1 is 0. `visitors` has none. */
export type FunnelRates = Record<Exclude<FunnelStep, 'visitors'>, number | null>;

export interface FunnelRow extends FunnelCounts {
  source: string;
  medium: string | null;
  campaign: string | null;
  rates: FunnelRates;
}

export interface ConversionFunnel {
  from: Date;
  to: Date;
  totals: FunnelCounts & { rates: FunnelRates };
  /** One row per source/medium/campaign, most visitors first. */
  rows: FunnelRow[];
}

interface Raw {
  is_total: boolean;
  source: string | null;
  medium: string | null;
  campaign: string | null;
  visitors: number;
  first_message: number;
  identity_linked: number;
  booking_made: number;
  job_completed: number;
  revenue_cents: number;
}

/**
 * The cohort of visitors whose first visit falls in [from, to), by source/medium/campaign, and how
 * many of them went on (at any time since) to each step. A step counts only after the ones before
 * it, so the funnel never widens: first message (a first_message event whose thread exists),
 * identity linked (an identity_linked event whose customer exists), booking made, job completed;
 * revenue from the customer's completed appointments dated on or after the visit.
 * Index: attribution_data_conversion_event_idx twice — the visits as a range scan on
 * ('visit', occurred_at) (source/medium/campaign come from the heap), and the later steps as an
 * Index Only Scan on (conversion_event = ANY(...), occurred_at >= from) from the INCLUDE columns;
 * threads and customers by primary key, appointments on appointments_customer_id_idx.
 * Whole business days (what the page asks for) come from the rollup instead, in a few ms whatever
 * the range (conversionFunnelRollupSql); other ranges from the raw events as above.
 */
export async function conversionFunnel(db: Db, params: { from: Date; to: Date }): Promise<ConversionFunnel> {
  const { from, to } = params;
  // Without JIT: the planner's estimate for the per-visitor appointment lookups puts the statement
  // far past jit_above_cost, and compiling it took 260-310 ms of a 380 ms (30 days) or 930 ms
  // (a year) run at 1M rows. SET LOCAL ends with the transaction.
  const { rows } = await db.transaction().execute(async (trx) => {
    await sql`SET LOCAL jit = off`.execute(trx);
    const days = await rollupDays(trx, params);
    return (days ? conversionFunnelRollupSql(days) : conversionFunnelSql(params)).execute(trx);
  });

  const counts = (r: Raw): FunnelCounts => ({
    visitors: r.visitors,
    firstMessage: r.first_message,
    identityLinked: r.identity_linked,
    bookingMade: r.booking_made,
    jobCompleted: r.job_completed,
    revenueCents: Number(r.revenue_cents),
  });
  const total = rows.find((r) => r.is_total);
  const totals = total
    ? counts(total)
    : { visitors: 0, firstMessage: 0, identityLinked: 0, bookingMade: 0, jobCompleted: 0, revenueCents: 0 };
  return {
    from,
    to,
    totals: { ...totals, rates: funnelRates(totals) },
    rows: rows
      .filter((r) => !r.is_total)
      .map((r) => {
        const c = counts(r);
        return { source: r.source ?? '', medium: r.medium, campaign: r.campaign, ...c, rates: funnelRates(c) };
      })
      .sort((a, b) => b.visitors - a.visitors || b.jobCompleted - a.jobCompleted || a.source.localeCompare(b.source)),
  };
}

/**
 * The range as business days of the rollup (migration 0024_attribution_rollup_tables), when both
 * ends are midnights in the zone its days are cut in; null otherwise (then the raw events answer).
 */
export async function rollupDays(db: Db, { from, to }: { from: Date; to: Date }): Promise<{ fromDay: string; toDay: string } | null> {
  const { rows } = await sql<{ from_day: string; to_day: string; aligned: boolean }>`
    SELECT f.d::text AS from_day, t.d::text AS to_day,
           (f.d::timestamp AT TIME ZONE s.time_zone) = ${from}::timestamptz
             AND (t.d::timestamp AT TIME ZONE s.time_zone) = ${to}::timestamptz AS aligned
      FROM attribution_funnel_settings s,
           LATERAL (SELECT (${from}::timestamptz AT TIME ZONE s.time_zone)::date AS d) f,
           LATERAL (SELECT (${to}::timestamptz AT TIME ZONE s.time_zone)::date AS d) t`.execute(db);
  const r = rows[0];
  return r?.aligned ? { fromDay: r.from_day, toDay: r.to_day } : null;
}

/**
 * The funnel of whole business days from the rollup: the visits of [fromDay, toDay) that are their
 * visitor's first in the range (no previous visit, or one before fromDay), summed per source.
 * Index: attribution_funnel_daily_key, a range scan on day (a few thousand rows for a year).
 */
export function conversionFunnelRollupSql({ fromDay, toDay }: { fromDay: string; toDay: string }) {
  return sql<Raw>`
    SELECT GROUPING(source) = 1 AS is_total, source, medium, campaign,
           sum(visitors)::int        AS visitors,
           sum(first_message)::int   AS first_message,
           sum(identity_linked)::int AS identity_linked,
           sum(booking_made)::int    AS booking_made,
           sum(job_completed)::int   AS job_completed,
           coalesce(sum(revenue_cents), 0)::int8 AS revenue_cents
      FROM attribution_funnel_daily
     WHERE day >= ${fromDay}::date AND day < ${toDay}::date
       AND (prev_day IS NULL OR prev_day < ${fromDay}::date)
     GROUP BY GROUPING SETS ((source, medium, campaign), ())
    HAVING sum(visitors) > 0
  `;
}

/** The funnel's statement over the raw events, for conversionFunnel and for EXPLAIN in tests and the benchmark. */
export function conversionFunnelSql({ from, to }: { from: Date; to: Date }) {
  return sql<Raw>`
    WITH visits AS (
      SELECT DISTINCT ON (visitor_id) visitor_id, occurred_at AS visited_at, source, medium, campaign
        FROM attribution_data
       WHERE conversion_event = 'visit' AND occurred_at >= ${from} AND occurred_at < ${to}
       ORDER BY visitor_id, occurred_at
    ),
    journeys AS (
      SELECT v.visitor_id, v.visited_at, v.source, v.medium, v.campaign,
             coalesce(bool_or(s.conversion_event = 'first_message' AND t.id IS NOT NULL), false) AS messaged,
             coalesce(bool_or(s.conversion_event = 'identity_linked' AND c.id IS NOT NULL), false) AS linked,
             coalesce(bool_or(s.conversion_event = 'booking_made'), false) AS booked,
             coalesce(bool_or(s.conversion_event = 'job_completed'), false) AS completed,
             max(c.id) AS customer_id
        FROM visits v
        LEFT JOIN attribution_data s
               ON s.visitor_id = v.visitor_id
              AND s.conversion_event IN ('first_message', 'identity_linked', 'booking_made', 'job_completed')
              AND s.occurred_at >= ${from}
              AND s.occurred_at >= v.visited_at
        LEFT JOIN shared_threads t ON t.id = s.thread_id
        LEFT JOIN customers c ON c.id = s.customer_id
       GROUP BY v.visitor_id, v.visited_at, v.source, v.medium, v.campaign
    ),
    steps AS (
      SELECT j.*,
             j.messaged AND j.linked AS s2,
             j.messaged AND j.linked AND j.booked AS s3,
             j.messaged AND j.linked AND j.booked AND j.completed AS s4
        FROM journeys j
    )
    SELECT GROUPING(st.source) = 1 AS is_total, st.source, st.medium, st.campaign,
           count(*)::int                                  AS visitors,
           count(*) FILTER (WHERE st.messaged)::int       AS first_message,
           count(*) FILTER (WHERE st.s2)::int             AS identity_linked,
           count(*) FILTER (WHERE st.s3)::int             AS booking_made,
           count(*) FILTER (WHERE st.s4)::int             AS job_completed,
           coalesce(sum(r.cents), 0)::int8                AS revenue_cents
      FROM steps st
      LEFT JOIN LATERAL (
             SELECT sum(a.amount_cents) AS cents
               FROM appointments a
              WHERE st.s4 AND a.customer_id = st.customer_id
                AND a.date >= st.visited_at AND a.status = 'completed'
           ) r ON true
     GROUP BY GROUPING SETS ((st.source, st.medium, st.campaign), ())
  `;
}

export function funnelRates(c: FunnelCounts): FunnelRates {
  const rate = (n: number, d: number) => (d > 0 ? n / d : null);
  return {
    firstMessage: rate(c.firstMessage, c.visitors),
    identityLinked: rate(c.identityLinked, c.firstMessage),
    bookingMade: rate(c.bookingMade, c.identityLinked),
    jobCompleted: rate(c.jobCompleted, c.bookingMade),
  };
}
