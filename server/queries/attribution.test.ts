import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { parsePlanDocument, planNodes } from '@/db/plan';
import type { Database } from '@/db/schema';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runMigrations } from '@/db/migrator';
import { seedDatabase } from '@/db/seed/index';
import { createScratchDatabase, type ScratchDatabase } from '@/db/testing/database';
import { deriveOtpKey } from '../identity/codes';
import { parseDestination } from '../identity/destination';
import { requestCode, verifyCode } from '../identity/otp';
import { ConsoleOtpSender } from '../identity/sender';
import { addDays, businessDay, startOfBusinessDay } from '@/lib/business-day';
import { DEFAULT_TIME_ZONE } from '@/db/seed';
import {
  conversionFunnel,
  conversionFunnelRollupSql,
  conversionFunnelSql,
  type ConversionFunnel,
  type FunnelCounts,
  rollupDays,
} from './attribution';

const ANCHOR = new Date('2026-11-01T12:00:00Z');
const DAY = 86_400_000;
let s: ScratchDatabase;

beforeAll(async () => {
  s = await createScratchDatabase('funnel');
  await runMigrations(s.db);
  await seedDatabase(s.db, { rows: 20_000, seed: 7, anchor: ANCHOR });
});
afterAll(() => s?.drop());

/**
 * The funnel's definition written the plain way — one EXISTS per step, first visit by min() —
 * so a mistake in the optimized query's joins, grouping or step chaining shows up as a mismatch.
 */
async function directCounts(from: Date, to: Date) {
  const { rows } = await sql<{ source: string; medium: string | null; campaign: string | null } & Record<string, number>>`
    WITH v AS (
      SELECT visitor_id, min(occurred_at) AS at,
             (array_agg(source ORDER BY occurred_at))[1] AS source,
             (array_agg(medium ORDER BY occurred_at))[1] AS medium,
             (array_agg(campaign ORDER BY occurred_at))[1] AS campaign
        FROM attribution_data
       WHERE conversion_event = 'visit' AND occurred_at >= ${from} AND occurred_at < ${to}
       GROUP BY visitor_id
    ), x AS (
      SELECT v.*,
        EXISTS (SELECT 1 FROM attribution_data e JOIN shared_threads t ON t.id = e.thread_id
                 WHERE e.visitor_id = v.visitor_id AND e.conversion_event = 'first_message' AND e.occurred_at >= v.at) AS m,
        EXISTS (SELECT 1 FROM attribution_data e JOIN customers c ON c.id = e.customer_id
                 WHERE e.visitor_id = v.visitor_id AND e.conversion_event = 'identity_linked' AND e.occurred_at >= v.at) AS l,
        EXISTS (SELECT 1 FROM attribution_data e
                 WHERE e.visitor_id = v.visitor_id AND e.conversion_event = 'booking_made' AND e.occurred_at >= v.at) AS b,
        EXISTS (SELECT 1 FROM attribution_data e
                 WHERE e.visitor_id = v.visitor_id AND e.conversion_event = 'job_completed' AND e.occurred_at >= v.at) AS c,
        (SELECT max(e.customer_id) FROM attribution_data e JOIN customers c ON c.id = e.customer_id
          WHERE e.visitor_id = v.visitor_id AND e.occurred_at >= v.at) AS customer_id
      FROM v
    )
    SELECT source, medium, campaign,
           count(*)::int AS visitors,
           count(*) FILTER (WHERE m)::int AS first_message,
           count(*) FILTER (WHERE m AND l)::int AS identity_linked,
           count(*) FILTER (WHERE m AND l AND b)::int AS booking_made,
           count(*) FILTER (WHERE m AND l AND b AND c)::int AS job_completed,
           coalesce(sum((SELECT sum(a.amount_cents) FROM appointments a
                          WHERE a.customer_id = x.customer_id AND a.status = 'completed' AND a.date >= x.at))
                    FILTER (WHERE m AND l AND b AND c), 0)::int8 AS revenue_cents
      FROM x
     GROUP BY source, medium, campaign`.execute(s.db);
  const key = (r: { source: string; medium: string | null; campaign: string | null }) => `${r.source}|${r.medium}|${r.campaign}`;
  const toCounts = (r: Record<string, number>): FunnelCounts => ({
    visitors: r.visitors!,
    firstMessage: r.first_message!,
    identityLinked: r.identity_linked!,
    bookingMade: r.booking_made!,
    jobCompleted: r.job_completed!,
    revenueCents: Number(r.revenue_cents),
  });
  return new Map(rows.map((r) => [key(r), toCounts(r)]));
}

describe('conversionFunnel on seeded data', () => {
  it.each([30, 365])('equals a direct SQL count over the last %i days', async (days) => {
    const to = ANCHOR;
    const from = new Date(ANCHOR.getTime() - days * DAY);
    const funnel = await conversionFunnel(s.db, { from, to });
    const direct = await directCounts(from, to);

    expect(funnel.totals.visitors).toBeGreaterThan(100);
    expect(funnel.totals.jobCompleted).toBeGreaterThan(0);
    const got = new Map(funnel.rows.map((r) => [`${r.source}|${r.medium}|${r.campaign}`, r]));
    expect([...got.keys()].sort()).toEqual([...direct.keys()].sort());
    for (const [k, want] of direct)
      expect({ k, ...got.get(k)!, rates: undefined, source: undefined, medium: undefined, campaign: undefined }).toEqual({ k, ...want });

    const sum = (f: keyof FunnelCounts) => funnel.rows.reduce((n, r) => n + r[f], 0);
    for (const f of ['visitors', 'firstMessage', 'identityLinked', 'bookingMade', 'jobCompleted', 'revenueCents'] as const) {
      expect(funnel.totals[f]).toBe(sum(f));
    }
    // Never widens, and rates are step over previous step.
    const t = funnel.totals;
    expect([t.visitors, t.firstMessage, t.identityLinked, t.bookingMade, t.jobCompleted]).toEqual(
      [t.visitors, t.firstMessage, t.identityLinked, t.bookingMade, t.jobCompleted].slice().sort((a, b) => b - a),
    );
    expect(t.rates.identityLinked).toBeCloseTo(t.identityLinked / t.firstMessage, 10);
  });

  it('uses attribution_data_conversion_event_idx, never a Seq Scan on attribution_data (30 days)', async () => {
    const from = new Date(ANCHOR.getTime() - 30 * DAY);
    const { rows } = await sql<{ 'QUERY PLAN': unknown }>`EXPLAIN (FORMAT JSON) ${conversionFunnelSql({ from, to: ANCHOR })}`.execute(s.db);
    const nodes = planNodes(parsePlanDocument(rows[0]!['QUERY PLAN']).Plan);
    const onAttribution = nodes.filter(
      (n) => n['Relation Name'] === 'attribution_data' || String(n['Index Name'] ?? '').startsWith('attribution_data'),
    );
    expect(onAttribution.filter((n) => n['Node Type'] === 'Seq Scan')).toEqual([]);
    const usingIndex = nodes.filter((n) => n['Index Name'] === 'attribution_data_conversion_event_idx');
    expect(usingIndex.length).toBeGreaterThanOrEqual(2); // the visits and the later steps
  });

  it('runs its statement with JIT off, in its own transaction (compiling it took most of its time)', async () => {
    const seen: string[] = [];
    const logged = new Kysely<Database>({
      dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: s.url, max: 1 }) }),
      log: (e) => {
        if (e.level === 'query') seen.push(e.query.sql);
      },
    });
    try {
      // Past jit_above_cost whatever the estimate: without the SET LOCAL, this run would compile.
      await sql`SET jit_above_cost = 0`.execute(logged);
      const from = new Date(ANCHOR.getTime() - 30 * DAY);
      const f = await conversionFunnel(logged, { from, to: ANCHOR });
      expect(f).toEqual(await conversionFunnel(s.db, { from, to: ANCHOR }));
      const set = seen.findIndex((q) => /SET LOCAL jit = off/.test(q));
      const funnel = seen.findIndex((q) => /WITH visits AS/.test(q));
      expect(set).toBeGreaterThan(0);
      expect(funnel).toBeGreaterThan(set);
      // SET LOCAL ended with the transaction: the session's own setting is back.
      const { rows } = await sql<{ jit: string }>`SELECT current_setting('jit') AS jit`.execute(logged);
      expect(rows[0]!.jit).toBe('on');
    } finally {
      await logged.destroy();
    }
  });

  it('an empty range gives zeros and no rates', async () => {
    const f = await conversionFunnel(s.db, { from: new Date('2001-01-01'), to: new Date('2001-02-01') });
    expect(f.rows).toEqual([]);
    expect(f.totals).toMatchObject({ visitors: 0, jobCompleted: 0, revenueCents: 0, rates: { firstMessage: null, jobCompleted: null } });
  });

  it('an OTP link adds the visitor to "identity linked", once', async () => {
    const from = new Date(ANCHOR.getTime() - 30 * DAY);
    const before = await conversionFunnel(s.db, { from, to: new Date() });
    const thread = await s.db
      .insertInto('shared_threads')
      .values({ channels: ['web'], message_count: 1, created_at: new Date(Date.now() - 60_000) })
      .returning('id')
      .executeTakeFirstOrThrow();
    await sql`INSERT INTO attribution_data (visitor_id, thread_id, source, medium, campaign, conversion_event, occurred_at) VALUES
      ('11111111-2222-4333-8444-555555555555', NULL, 'test-source', 'cpc', 'otp-test', 'visit', now() - interval '5 minutes'),
      ('11111111-2222-4333-8444-555555555555', ${thread.id}, 'test-source', 'cpc', 'otp-test', 'first_message', now() - interval '50 seconds')`.execute(
      s.db,
    );

    const deps = { sender: new ConsoleOtpSender({ silent: true }), key: deriveOtpKey('x'.repeat(32)) };
    const destination = parseDestination('+1 214 555 0199')!;
    for (let i = 0; i < 2; i++) {
      await requestCode(s.db, deps, { threadId: thread.id, destination });
      expect(await verifyCode(s.db, deps, { threadId: thread.id, destination, code: deps.sender.lastCodeFor(destination.value)! })).toEqual(
        { ok: true },
      );
    }
    const after = await conversionFunnel(s.db, { from, to: new Date() });
    const row = after.rows.find((r) => r.source === 'test-source')!;
    expect(row).toMatchObject({ visitors: 1, firstMessage: 1, identityLinked: 1, bookingMade: 0 });
    expect(after.totals.identityLinked).toBe(before.totals.identityLinked + 1);
  });
});

/** [from, to) as whole business days ending with the anchor's day, in the rollup's zone. */
function wholeDays(days: number) {
  const last = businessDay(DEFAULT_TIME_ZONE, ANCHOR);
  const fromDay = addDays(last, -(days - 1));
  return { fromDay, from: startOfBusinessDay(fromDay, DEFAULT_TIME_ZONE), to: startOfBusinessDay(last, DEFAULT_TIME_ZONE, 1) };
}

function expectEqualsDirect(funnel: ConversionFunnel, direct: Map<string, FunnelCounts>) {
  const got = new Map(funnel.rows.map((r) => [`${r.source}|${r.medium}|${r.campaign}`, r]));
  expect([...got.keys()].sort()).toEqual([...direct.keys()].sort());
  for (const [k, want] of direct)
    expect({ k, ...got.get(k)!, rates: undefined, source: undefined, medium: undefined, campaign: undefined }).toEqual({ k, ...want });
  const sum = (f: keyof FunnelCounts) => [...direct.values()].reduce((n, r) => n + r[f], 0);
  for (const f of ['visitors', 'firstMessage', 'identityLinked', 'bookingMade', 'jobCompleted', 'revenueCents'] as const)
    expect(funnel.totals[f], f).toBe(sum(f));
}

describe('the funnel rollup (0024_attribution_rollup_tables)', () => {
  it.each([7, 30, 365])('whole business days (%i) come from the rollup and equal a direct SQL count over the raw events', async (days) => {
    const { from, to, fromDay } = wholeDays(days);
    expect(await rollupDays(s.db, { from, to })).toEqual({ fromDay, toDay: addDays(fromDay, days) });
    const funnel = await conversionFunnel(s.db, { from, to });
    expect(funnel.totals.visitors).toBeGreaterThan(days === 7 ? 10 : 100);
    expectEqualsDirect(funnel, await directCounts(from, to));
  });

  it('a range not on the rollup zone’s midnights is read from the raw events', async () => {
    expect(await rollupDays(s.db, { from: new Date(ANCHOR.getTime() - 30 * DAY), to: ANCHOR })).toBeNull();
    // Midnight UTC is not midnight in Chicago.
    expect(await rollupDays(s.db, { from: new Date('2026-10-01T00:00:00Z'), to: new Date('2026-10-31T00:00:00Z') })).toBeNull();
  });

  it('stays exact through writes: new visitors, repeat visits, completed jobs, deleted customers and events', async () => {
    const year = wholeDays(365);
    const month = wholeDays(30);
    const check = async () => {
      for (const r of [year, month]) expectEqualsDirect(await conversionFunnel(s.db, r), await directCounts(r.from, r.to));
    };
    const { rows: cust } = await sql<{ id: number; thread: string }>`
      SELECT c.id::int AS id, t.id AS thread FROM customers c JOIN shared_threads t ON t.customer_id = c.id
       WHERE EXISTS (SELECT 1 FROM appointments a WHERE a.customer_id = c.id) ORDER BY c.id LIMIT 2`.execute(s.db);
    const [a, b] = cust;
    const day = (n: number) => `('${month.from.toISOString()}'::timestamptz + interval '${n} days')`;
    // A visitor through every step, who visits again later in the month (counted once, from the
    // first visit), and one who visited before the month too (counted in the year, and in the
    // month from the visit inside it).
    await sql
      .raw(
        `INSERT INTO attribution_data (visitor_id, thread_id, customer_id, source, medium, campaign, conversion_event, occurred_at) VALUES
      ('aaaaaaaa-0000-4000-8000-000000000001', NULL, NULL, 'rollup-test', NULL, NULL, 'visit', ${day(2)}),
      ('aaaaaaaa-0000-4000-8000-000000000001', '${a!.thread}', NULL, 'rollup-test', NULL, NULL, 'first_message', ${day(2)} + interval '1 minute'),
      ('aaaaaaaa-0000-4000-8000-000000000001', '${a!.thread}', ${a!.id}, 'rollup-test', NULL, NULL, 'identity_linked', ${day(2)} + interval '2 minutes'),
      ('aaaaaaaa-0000-4000-8000-000000000001', '${a!.thread}', ${a!.id}, 'rollup-test', NULL, NULL, 'booking_made', ${day(2)} + interval '3 minutes'),
      ('aaaaaaaa-0000-4000-8000-000000000001', '${a!.thread}', ${a!.id}, 'rollup-test', NULL, NULL, 'job_completed', ${day(5)}),
      ('aaaaaaaa-0000-4000-8000-000000000001', NULL, NULL, 'other-test', 'email', 'x', 'visit', ${day(9)}),
      ('aaaaaaaa-0000-4000-8000-000000000002', NULL, NULL, 'early-test', NULL, NULL, 'visit', ${day(-40)}),
      ('aaaaaaaa-0000-4000-8000-000000000002', NULL, NULL, 'late-test', 'cpc', NULL, 'visit', ${day(3)}),
      ('aaaaaaaa-0000-4000-8000-000000000002', '${b!.thread}', NULL, 'late-test', 'cpc', NULL, 'first_message', ${day(3)} + interval '5 minutes')`,
      )
      .execute(s.db);
    await check();
    const inMonth = (await conversionFunnel(s.db, month)).rows;
    expect(inMonth.find((r) => r.source === 'rollup-test')).toMatchObject({ visitors: 1, jobCompleted: 1 });
    expect(inMonth.find((r) => r.source === 'other-test')).toBeUndefined();
    expect(inMonth.find((r) => r.source === 'late-test')).toMatchObject({ visitors: 1, firstMessage: 1 });
    expect((await conversionFunnel(s.db, year)).rows.find((r) => r.source === 'late-test')).toBeUndefined();

    // Revenue: a completed appointment of the customer after the visit, then it is cancelled.
    await sql`UPDATE appointments SET status = 'completed', amount_cents = 12345, date = ${month.from}::timestamptz + interval '6 days'
               WHERE id = (SELECT min(id) FROM appointments WHERE customer_id = ${a!.id})`.execute(s.db);
    await check();
    await sql`UPDATE appointments SET status = 'cancelled' WHERE customer_id = ${a!.id} AND amount_cents = 12345`.execute(s.db);
    await check();
    // A step event removed, an event moved to another visitor, a customer deleted (SET NULL).
    await sql`DELETE FROM attribution_data WHERE visitor_id = 'aaaaaaaa-0000-4000-8000-000000000001' AND conversion_event = 'booking_made'`.execute(
      s.db,
    );
    await check();
    await sql`UPDATE attribution_data SET visitor_id = 'aaaaaaaa-0000-4000-8000-000000000001'
               WHERE visitor_id = 'aaaaaaaa-0000-4000-8000-000000000002' AND conversion_event = 'visit' AND source = 'early-test'`.execute(
      s.db,
    );
    await check();
    await sql`DELETE FROM customers WHERE id = ${b!.id}`.execute(s.db);
    await check();

    // What the triggers keep is what a rebuild from scratch gives.
    const before = await sql`SELECT * FROM attribution_funnel_daily ORDER BY 1, 2, 3, 4, 5`.execute(s.db);
    await sql`CALL attribution_funnel_rebuild(${DEFAULT_TIME_ZONE})`.execute(s.db);
    expect((await sql`SELECT * FROM attribution_funnel_daily ORDER BY 1, 2, 3, 4, 5`.execute(s.db)).rows).toEqual(before.rows);
  });

  it('reads only the daily rollup, a small fraction of the visits, for a year', async () => {
    const { from, to } = wholeDays(365);
    const days = (await rollupDays(s.db, { from, to }))!;
    const { rows } = await sql<{ 'QUERY PLAN': unknown }>`EXPLAIN (ANALYZE, FORMAT JSON) ${conversionFunnelRollupSql(days)}`.execute(s.db);
    const nodes = planNodes(parsePlanDocument(rows[0]!['QUERY PLAN']).Plan);
    const relations = nodes.map((n) => n['Relation Name']).filter(Boolean);
    expect(relations).toEqual(['attribution_funnel_daily']);
    const scan = nodes.find((n) => n['Relation Name'] === 'attribution_funnel_daily')!;
    const read = Number(scan['Actual Rows']) + Number(scan['Rows Removed by Filter'] ?? 0);
    const { visitors } = (await conversionFunnel(s.db, { from, to })).totals;
    // One row per (day, source, medium, campaign) however many visitors: at 20k rows about two
    // visitors a row, at 1M rows about fifty (the bench's growth table has the time).
    expect(read).toBeLessThan(visitors * 0.75);
  });
});
