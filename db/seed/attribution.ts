import { ranges, type SeedContext } from './context';
import { num, numArray, textArray } from './sql-kit';
import { LANDING_PAGES, TRAFFIC_SOURCES } from './vocabulary';

const EVENTS = ['visit', 'first_message', 'identity_linked', 'booking_made', 'job_completed'];

/**
 * The marketing funnel, one row per step a visitor reached: every visitor visits; some write in
 * (at a rate that depends on where they came from) and then own a seeded thread, whose visit time
 * precedes the thread; those whose thread belongs to a customer may link their identity, book, and
 * have the job completed. Each step is later than the one before and none is after the anchor.
 */
export async function seedAttribution(ctx: SeedContext): Promise<number> {
  const { rng, clock, counts } = ctx;
  const V = counts.attributionVisitors;
  const T = counts.shared_threads;
  const anchor = clock.anchorSql;
  const u = (stream: number) => rng.u('v', stream);
  const src = (i: number) => `(${textArray(TRAFFIC_SOURCES.map((s) => s[i] as string | null))})[src]`;
  const span = clock.posEnd - clock.posStart;
  let total = 0;
  for (const [from, to] of ranges(V, Math.max(1000, Math.floor(ctx.chunkRows / 1.3)))) {
    total += await ctx.run(
      `
      INSERT INTO attribution_data (id, visitor_id, thread_id, customer_id, source, medium, campaign, landing_page,
                                    conversion_event, occurred_at)
      WITH th AS (
        SELECT row_number() OVER (ORDER BY id) AS t, id, customer_id, created_at, linked_at FROM shared_threads
      )
      SELECT ${total} + row_number() OVER (ORDER BY v, step), ${rng.uuid('visitor', 'v')},
             CASE WHEN step >= 2 THEN thread_id END, CASE WHEN step >= 3 THEN customer_id END,
             ${src(0)}, ${src(1)}, ${src(2)},
             landing || CASE WHEN ${src(2)} IS NOT NULL
                             THEN '?utm_source=' || ${src(0)} || '&utm_medium=' || ${src(1)} || '&utm_campaign=' || ${src(2)} ELSE '' END,
             (${textArray(EVENTS)})[step], at
      FROM (
        -- One row per step: unnest in the select list (a ProjectSet), NULL for steps not reached.
        SELECT *, unnest(ARRAY[1, 2, 3, 4, 5]) AS step,
               unnest(ARRAY[
                 visit_at,
                 CASE WHEN messaged THEN thread_created + (10 + 50 * ${u(809)}) * interval '1 second' END,
                 CASE WHEN linked THEN coalesce(linked_at, thread_created + interval '3 minutes') END,
                 CASE WHEN booked THEN coalesce(linked_at, thread_created) + (5 + power(${u(810)}, 2) * 2880) * interval '1 minute' END,
                 CASE WHEN booked AND ${u(805)} < 0.85
                      THEN coalesce(linked_at, thread_created) + (2 + power(${u(810)}, 2) * 2 + 13 * ${u(811)}) * interval '1 day' END
               ]) AS at
        FROM (
          SELECT *, linked AND ${u(804)} < 0.45 AS booked
          FROM (
            SELECT *,
                   CASE WHEN messaged THEN thread_created - (1 + 14 * ${u(806)}) * interval '1 minute'
                        ELSE ${clock.bizTime('pos')} END AS visit_at,
                   messaged AND customer_id IS NOT NULL AND ${u(803)} < 0.6 AS linked
            FROM (
              SELECT v, src, ${rng.pick(LANDING_PAGES, 'v', 807)} AS landing,
                     ${u(802)} < (${numArray(TRAFFIC_SOURCES.map((s) => s[4]))})[src] AS messaged,
                     ${num(clock.posStart)} + ${num(span)} * power((v - 0.5::float8) / ${V}, 1 / 1.4) AS pos,
                     th.id AS thread_id, th.customer_id, th.created_at AS thread_created, th.linked_at
              FROM (
                SELECT v, ${rng.weighted(
                  TRAFFIC_SOURCES.map((s) => s[3]),
                  'v',
                  801,
                )} AS src, ${rng.int('v', 808, 1, T)} AS t
                FROM generate_series(${from}, ${to}) AS v
              ) picked
              JOIN th USING (t)
              OFFSET 0
            ) visitor
            OFFSET 0
          ) funnel
        ) booked
      ) steps
      WHERE at IS NOT NULL AND at <= ${anchor}
      ORDER BY v, step`,
      'attribution_data',
    );
    ctx.progress('attribution_data', total);
  }
  return total;
}
