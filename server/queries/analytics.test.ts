import { type Kysely, type RawBuilder, sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '@/db/client';
import { loadMigrationFiles, runMigrations } from '@/db/migrator';
import { createScratchDatabase, type ScratchDatabase } from '@/db/testing/database';
import { testSessions } from '@/db/testing/sessions';
import { costByServiceRaw, costTodayRawQuery } from '@/bench/analytics-raw';
import { parsePlanDocument, type PlanNode, planNodes } from '@/db/plan';
import { addDays, businessDay, dayRange } from '@/lib/business-day';
import { costByService, costByServiceQuery, costByServiceRawQuery } from './analytics';
import { rollupConsistency } from './analytics-consistency';
import { periodBounds } from './analytics-shape';

const TZ = 'America/Chicago';
/** Noon in Chicago on Thursday 2025-11-20: "now" for every query (the data ends here). */
const NOW = new Date('2025-11-20T18:00:00Z');
const ROWS = 120_000;
const SPAN_DAYS = 365;
const SERVICES = ['openai', 'anthropic', 'twilio_sms', 'twilio_voice', 'google_maps', 'sendgrid', 'deepgram', 'elevenlabs'];
const ALL = { from: '1990-01-01', to: '2100-12-31' };

let s: ScratchDatabase;
let db: Db;

beforeAll(async () => {
  s = await createScratchDatabase('analytics');
  db = s.db;
  // Rows exist before the rollup does, so the backfill migration has something to do.
  const files = loadMigrationFiles();
  await runMigrations(db, { files: files.filter((f) => f.name < '0005') });
  await sql`
    INSERT INTO api_usage (service, endpoint, units, estimated_cost_cents, created_at)
    SELECT (${sql.val(SERVICES)}::text[])[1 + (hashint4(i) & 7)], '/v1/x', 1 + (hashint4(i + 1) & 2147483647) % 40,
           round(((hashint4(i * 3) & 2147483647) % 90000) / 10000.0, 4),
           ${NOW}::timestamptz - ${SPAN_DAYS} * interval '1 day' + i * (${SPAN_DAYS} * interval '1 day' / ${ROWS})
    FROM generate_series(1, ${ROWS}) i`.execute(db);
  await runMigrations(db, { files });
  await vacuum();
});
afterAll(() => s?.drop());

async function vacuum() {
  await sql`VACUUM (ANALYZE) api_usage`.execute(db);
  await sql`VACUUM (ANALYZE) api_usage_daily`.execute(db);
}

async function expectConsistent(label = '') {
  const c = await rollupConsistency(db, ALL);
  expect(c.mismatches, label).toEqual([]);
  expect(c.consistent).toBe(true);
  const { rows } = await sql<{ cost: number | null; calls: number; units: number | null }>`
    SELECT sum(estimated_cost_cents) AS cost, count(*) AS calls, sum(units)::bigint AS units FROM api_usage`.execute(db);
  expect(c.rollup).toEqual({ costCents: rows[0]!.cost ?? 0, calls: rows[0]!.calls, units: rows[0]!.units ?? 0 });
  // No key is kept at zero, and nothing is negative.
  const zero = await sql<{ n: number }>`SELECT count(*) AS n FROM api_usage_daily WHERE calls <= 0 OR cost_cents < 0 OR units < 0`.execute(
    db,
  );
  expect(zero.rows[0]!.n).toBe(0);
  return c;
}

/** Raw SUM over business days [from, to] straight from api_usage. */
async function sqlTotals(from: string, to: string, timeZone = TZ, service?: string) {
  const { rows } = await sql<{ cost: number | null; calls: number; units: number | null }>`
    SELECT sum(estimated_cost_cents) AS cost, count(*) AS calls, sum(units)::bigint AS units FROM api_usage
    WHERE created_at >= (${from}::date::timestamp AT TIME ZONE ${timeZone})
      AND created_at < ((${to}::date + 1)::timestamp AT TIME ZONE ${timeZone})
      AND (${service ?? null}::text IS NULL OR service = ${service ?? null})`.execute(db);
  return { costCents: rows[0]!.cost ?? 0, calls: rows[0]!.calls, units: rows[0]!.units ?? 0 };
}

/** Runs `fn` in a transaction that is rolled back: fixtures that leave nothing behind. */
async function rolledBack<T>(fn: (trx: Db) => Promise<T>): Promise<T> {
  let out: T | undefined;
  const rollback = new Error('rollback');
  await db
    .transaction()
    .execute(async (trx) => {
      out = await fn(trx);
      throw rollback;
    })
    .catch((e) => {
      if (e !== rollback) throw e;
    });
  return out as T;
}

function withoutSource<T extends { source: unknown; rollupTimeZone: unknown }>(r: T) {
  const { source: _s, rollupTimeZone: _z, ...rest } = r;
  return rest;
}

/** Deterministic PRNG (mulberry32). */
function rng(seed: number) {
  let a = seed;
  return () => {
    a |= 0;
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('backfill (migration 0005_api_usage_daily_rollup_backfill)', () => {
  it('filled the rollup from the rows that existed before it, and marked it ready', async () => {
    const c = await expectConsistent();
    expect(c.rollup.calls).toBe(ROWS);
    expect(c.keys).toBeGreaterThan(SPAN_DAYS * SERVICES.length - 10);
    expect(c.backfilledAt).toBeInstanceOf(Date);
    expect(c.timeZone).toBe(TZ);
  });

  it('sets autovacuum on api_usage so the current day stays all-visible', async () => {
    const { rows } = await sql<{ opts: string[] }>`SELECT reloptions AS opts FROM pg_class WHERE relname = 'api_usage'`.execute(db);
    expect(rows[0]!.opts).toEqual(expect.arrayContaining(['autovacuum_vacuum_insert_scale_factor=0.005']));
  });
});

describe('costByService', () => {
  it.each([1, 7, 30, 90, 365])('equals the raw aggregate exactly for %i days', async (days) => {
    for (const now of [NOW, new Date('2025-11-21T05:59:59Z'), new Date('2025-11-02T12:00:00Z'), new Date('2025-08-01T00:00:00Z')]) {
      const rolled = await costByService(db, { days, timeZone: TZ, now });
      const raw = await costByServiceRaw(db, { days, timeZone: TZ, now });
      expect(rolled.source).toBe('rollup');
      expect(withoutSource(rolled)).toEqual(withoutSource(raw));
    }
  });

  it('totals equal SUM over the business days of the period and of the previous one', async () => {
    const r = await costByService(db, { days: 30, timeZone: TZ, now: NOW });
    // 30 complete days (today, the 20th, still open, is not one of them) against the 30 before.
    expect(r.period).toEqual({ from: '2025-10-21', to: '2025-11-19', days: 30 });
    expect(r.previous).toEqual({ from: '2025-09-21', to: '2025-10-20' });
    expect(r.total).toEqual(await sqlTotals('2025-10-21', '2025-11-19'));
    expect(r.previousTotal).toEqual(await sqlTotals('2025-09-21', '2025-10-20'));
    const { day, ...today } = r.today;
    expect(day).toBe('2025-11-20');
    expect(today).toEqual(await sqlTotals('2025-11-20', '2025-11-20'));
    for (const svc of r.services) {
      const { service, costCents, calls, units, previous } = svc;
      expect({ costCents, calls, units }).toEqual(await sqlTotals('2025-10-21', '2025-11-19', TZ, service));
      expect(previous).toEqual(await sqlTotals('2025-09-21', '2025-10-20', TZ, service));
      expect(svc.today).toEqual(await sqlTotals('2025-11-20', '2025-11-20', TZ, service));
    }
    expect(r.services.map((x) => x.service).sort()).toEqual([...SERVICES].sort());
    expect(r.services.reduce((a, x) => a + x.share, 0)).toBeCloseTo(1, 12);
    const costs = r.services.map((x) => x.costCents);
    expect(costs).toEqual([...costs].sort((a, b) => b - a));
  });

  it('has every day of the range, in order, with missing days as zero', async () => {
    await sql`INSERT INTO api_usage (service, endpoint, estimated_cost_cents, created_at)
              VALUES ('rare', '/x', 1.5, '2025-11-10T18:00:00Z'), ('rare', '/x', 2.25, '2025-11-20T17:00:00Z')`.execute(db);
    const r = await costByService(db, { days: 30, timeZone: TZ, now: NOW });
    expect(r.days).toEqual(dayRange('2025-10-21', '2025-11-19'));
    expect(r.days).toHaveLength(30);
    expect(r.dailyTotals).toHaveLength(30);
    const rare = r.services.find((x) => x.service === 'rare')!;
    expect(rare.daily).toHaveLength(30);
    // Today's row is not a bar of the compared days: it is today's, apart.
    expect(rare.daily.filter((v) => v !== 0)).toEqual([1.5]);
    expect(rare.daily[r.days.indexOf('2025-11-10')]).toBe(1.5);
    expect(rare.today.costCents).toBe(2.25);
    for (const svc of r.services) expect(svc.daily.reduce((a, v) => a + Math.round(v * 1e4), 0)).toBe(Math.round(svc.costCents * 1e4));
    expect(withoutSource(r)).toEqual(withoutSource(await costByServiceRaw(db, { days: 30, timeZone: TZ, now: NOW })));
    await sql`DELETE FROM api_usage WHERE service = 'rare'`.execute(db);
  });

  it('projects the month end from completed days and the last 7 days’ average', async () => {
    const r = await costByService(db, { days: 7, timeZone: TZ, now: NOW });
    const completed = await sqlTotals('2025-11-01', '2025-11-19');
    const week = await sqlTotals('2025-11-13', '2025-11-19');
    expect(r.month).toMatchObject({ start: '2025-11-01', end: '2025-11-30', daysInMonth: 30, completedDays: 19 });
    expect(r.month.completedCostCents).toBe(completed.costCents);
    expect(r.month.todaySoFarCents).toBe((await sqlTotals('2025-11-20', '2025-11-20')).costCents);
    expect(r.month.averageDailyCents).toBeCloseTo(week.costCents / 7, 6);
    expect(r.month.projectedCents).toBeCloseTo(completed.costCents + (week.costCents / 7) * 11, 6);
  });

  it('compares like with like at any hour of the day and across DST: complete days against as many complete days before', async () => {
    // A known like-for-like change: 'lfl' costs $1.00 a day in the previous 7 complete days and
    // $1.10 a day in the last 7, spread over local 00:30, 06:00, 12:00 and 23:30 (hours that exist
    // on both DST change days); today has 5 cents so far. The honest change is +10% whatever the
    // hour; counting today's open day into a 7-day window would say -5.7% at 00:10.
    const cases = [
      '2025-11-20T06:10:00Z', // 00:10 CST
      '2025-11-20T10:00:00Z', // 04:00
      '2025-11-20T18:00:00Z', // noon
      '2025-11-21T05:50:00Z', // 23:50
      '2025-11-02T06:10:00Z', // 00:10 CST on the fall-back day (25 hours), after its repeated hour
      '2025-11-05T10:00:00Z', // 04:00, the window holds the 25-hour day
      '2025-03-09T10:00:00Z', // 05:00 CDT on the spring-forward day (23 hours)
      '2025-03-12T09:00:00Z', // 04:00 CDT, the window holds the 23-hour day
    ];
    for (const at of cases) {
      const now = new Date(at);
      const today = businessDay(TZ, now);
      const r = await rolledBack(async (trx) => {
        await sql`
          INSERT INTO api_usage (service, endpoint, estimated_cost_cents, created_at)
          SELECT 'lfl', '/x', CASE WHEN d >= ${addDays(today, -7)}::date THEN 27.5 ELSE 25 END, (d + t)::timestamp AT TIME ZONE ${TZ}
          FROM generate_series(${addDays(today, -14)}::date, ${addDays(today, -1)}::date, interval '1 day') AS d,
               unnest(ARRAY[time '00:30', time '06:00', time '12:00', time '23:30']) AS t
          UNION ALL SELECT 'lfl', '/x', 5, ${today}::date::timestamp AT TIME ZONE ${TZ} + interval '1 minute'`.execute(trx);
        return costByService(trx, { days: 7, timeZone: TZ, now });
      });
      const lfl = r.services.find((x) => x.service === 'lfl')!;
      expect(r.period, at).toEqual({ from: addDays(today, -7), to: addDays(today, -1), days: 7 });
      expect([lfl.costCents, lfl.previous.costCents, lfl.today.costCents, lfl.calls], at).toEqual([770, 700, 5, 28]);
      expect(lfl.daily, at).toEqual(new Array(7).fill(110));
      // Every figure is the SQL sum over the same days.
      expect(r.total.costCents - lfl.costCents, at).toBe((await sqlTotals(r.period.from, r.period.to)).costCents);
    }
  });

  it('reads the raw rows (still exactly) when the rollup is cut in another zone or not ready', async () => {
    const utc = await costByService(db, { days: 30, timeZone: 'UTC', now: NOW });
    expect(utc.source).toBe('raw');
    expect(utc.rollupTimeZone).toBe(TZ);
    expect(withoutSource(utc)).toEqual(withoutSource(await costByServiceRaw(db, { days: 30, timeZone: 'UTC', now: NOW })));
    await sql`UPDATE api_usage_rollup_settings SET backfilled_at = NULL`.execute(db);
    try {
      const r = await costByService(db, { days: 30, timeZone: TZ, now: NOW });
      expect(r.source).toBe('raw');
      expect(withoutSource(r)).toEqual(withoutSource(await costByServiceRaw(db, { days: 30, timeZone: TZ, now: NOW })));
    } finally {
      await sql`UPDATE api_usage_rollup_settings SET backfilled_at = now()`.execute(db);
    }
  });
});

describe('business days', () => {
  // Each probe row has its own power-of-two cost, so a day's sum names the rows it holds.
  const probes: Array<[string, string, number]> = [
    // [instant, expected business day, cost]
    ['2025-11-20T05:59:59.999999Z', '2025-11-19', 1], // 23:59:59.999999 CST
    ['2025-11-20T06:00:00Z', '2025-11-20', 2], // 00:00:00 CST
    // Fall back, Sunday 2025-11-02: 25 hours long.
    ['2025-11-02T04:59:59Z', '2025-11-01', 4], // 23:59:59 CDT on the 1st
    ['2025-11-02T05:00:00Z', '2025-11-02', 8], // 00:00 CDT
    ['2025-11-02T06:30:00Z', '2025-11-02', 16], // 01:30 CDT
    ['2025-11-02T07:30:00Z', '2025-11-02', 32], // 01:30 CST, the repeated hour
    ['2025-11-03T05:59:59Z', '2025-11-02', 64], // 23:59:59 CST
    ['2025-11-03T06:00:00Z', '2025-11-03', 128], // 00:00 CST
    // Spring forward, Sunday 2025-03-09: 23 hours long (02:00-03:00 does not exist).
    ['2025-03-09T05:59:59Z', '2025-03-08', 256], // 23:59:59 CST on the 8th
    ['2025-03-09T06:00:00Z', '2025-03-09', 512], // 00:00 CST
    ['2025-03-09T07:59:59Z', '2025-03-09', 1024], // 01:59:59 CST
    ['2025-03-09T08:00:00Z', '2025-03-09', 2048], // 03:00 CDT
    ['2025-03-10T04:59:59Z', '2025-03-09', 4096], // 23:59:59 CDT
    ['2025-03-10T05:00:00Z', '2025-03-10', 8192], // 00:00 CDT
  ];
  const expected = new Map<string, number>();
  for (const [, day, cost] of probes) expected.set(day, (expected.get(day) ?? 0) + cost);

  beforeAll(async () => {
    await sql`INSERT INTO api_usage (service, endpoint, estimated_cost_cents, created_at)
              SELECT 'probe', '/x', c, t FROM unnest(${probes.map((p) => p[0])}::timestamptz[], ${probes.map((p) => p[2])}::numeric[]) AS u(t, c)`.execute(
      db,
    );
  });
  afterAll(async () => {
    await sql`DELETE FROM api_usage WHERE service = 'probe'`.execute(db);
  });

  it('businessDay() cuts instants like PostgreSQL does', () => {
    for (const [at, day] of probes) expect(businessDay(TZ, new Date(at)), at).toBe(day);
  });

  it('the rollup puts rows stamped around midnight and across DST changes on their local day', async () => {
    const { rows } = await sql<{ day: string; cost: number }>`
      SELECT day::text AS day, cost_cents AS cost FROM api_usage_daily WHERE service = 'probe' ORDER BY day`.execute(db);
    expect(Object.fromEntries(rows.map((r) => [r.day, r.cost]))).toEqual(Object.fromEntries([...expected].sort()));
  });

  it('costByService (rollup) agrees with the raw rows whether the day is still open or whole', async () => {
    // [now, complete days, today]
    const cases: Array<[string, string[], string]> = [
      ['2025-11-20T18:00:00Z', ['2025-11-19'], '2025-11-20'], // today = the 20th, still open
      ['2025-11-21T18:00:00Z', ['2025-11-19', '2025-11-20'], '2025-11-21'], // both whole days
      ['2025-11-02T07:45:00Z', ['2025-11-01'], '2025-11-02'], // today = fall-back day, in its repeated hour
      ['2025-11-03T12:00:00Z', ['2025-11-01', '2025-11-02'], '2025-11-03'],
      ['2025-03-09T09:00:00Z', ['2025-03-08'], '2025-03-09'], // today = spring-forward day
      ['2025-03-10T12:00:00Z', ['2025-03-08', '2025-03-09'], '2025-03-10'],
    ];
    for (const [now, days, today] of cases) {
      const r = await costByService(db, { days: days.length, timeZone: TZ, now: new Date(now) });
      expect(r.days, now).toEqual(days);
      expect(r.today.day, now).toBe(today);
      const probe = r.services.find((x) => x.service === 'probe')!;
      expect(probe.daily, now).toEqual(days.map((d) => expected.get(d) ?? 0));
      // The current day counts all its rows, later ones included: it is open until local midnight.
      expect(probe.today.costCents, now).toBe(expected.get(today) ?? 0);
      expect(withoutSource(r)).toEqual(withoutSource(await costByServiceRaw(db, { days: days.length, timeZone: TZ, now: new Date(now) })));
    }
  });
});

describe('the rollup stays equal to the raw rows', () => {
  it('through random inserts, updates (cost, service, day), deletes, bulk loads and rollbacks', async () => {
    const rand = rng(20251120);
    const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)]!;
    const services = [...SERVICES, 'new_a', 'new_b'];
    const start = NOW.getTime() - SPAN_DAYS * 86_400_000;
    const randomInstant = () => new Date(start + rand() * SPAN_DAYS * 86_400_000);
    const cost = () => (Math.floor(rand() * 1_000_000) / 10_000).toFixed(4);
    const { rows: maxRows } = await sql<{ max: number }>`SELECT max(id) AS max FROM api_usage`.execute(db);
    let maxId = maxRows[0]!.max;
    const randomIds = (n: number) => Array.from({ length: n }, () => 1 + Math.floor(rand() * maxId));

    for (let round = 0; round < 40; round++) {
      const op = round % 10;
      if (op === 0) {
        for (let k = 0; k < 5; k++) {
          await sql`INSERT INTO api_usage (service, endpoint, units, estimated_cost_cents, created_at)
                    VALUES (${pick(services)}, '/x', ${Math.floor(rand() * 50)}, ${cost()}, ${randomInstant()})`.execute(db);
        }
      } else if (op === 1) {
        const values = Array.from(
          { length: 50 },
          () => sql`(${pick(services)}, '/x', ${Math.floor(rand() * 9)}, ${cost()}::numeric, ${randomInstant()}::timestamptz)`,
        );
        await sql`INSERT INTO api_usage (service, endpoint, units, estimated_cost_cents, created_at) VALUES ${sql.join(values)}`.execute(
          db,
        );
      } else if (op === 2) {
        await sql`UPDATE api_usage SET estimated_cost_cents = round(estimated_cost_cents * 1.37 + 0.0001, 4) WHERE id = ANY(${randomIds(200)}::bigint[])`.execute(
          db,
        );
      } else if (op === 3) {
        await sql`UPDATE api_usage SET service = ${pick(services)} WHERE id = ANY(${randomIds(150)}::bigint[])`.execute(db);
      } else if (op === 4) {
        // Move rows across days (and across midnight, both ways).
        const hours = Math.floor(rand() * 145) - 72;
        await sql`UPDATE api_usage SET created_at = created_at + ${hours} * interval '1 hour' WHERE id = ANY(${randomIds(150)}::bigint[])`.execute(
          db,
        );
      } else if (op === 5) {
        await sql`DELETE FROM api_usage WHERE id = ANY(${randomIds(300)}::bigint[])`.execute(db);
      } else if (op === 6) {
        // Empty one (day, service) completely: its rollup row must go.
        const { rows } = await sql<{ day: string; service: string }>`
          SELECT day::text AS day, service FROM api_usage_daily ORDER BY random() LIMIT 1`.execute(db);
        const k = rows[0]!;
        await sql`DELETE FROM api_usage WHERE service = ${k.service}
                  AND created_at >= (${k.day}::date::timestamp AT TIME ZONE ${TZ})
                  AND created_at < ((${k.day}::date + 1)::timestamp AT TIME ZONE ${TZ})`.execute(db);
        const gone = await sql`SELECT 1 FROM api_usage_daily WHERE day = ${k.day}::date AND service = ${k.service}`.execute(db);
        expect(gone.rows).toHaveLength(0);
      } else if (op === 7) {
        await sql`
          INSERT INTO api_usage (service, endpoint, units, estimated_cost_cents, created_at)
          SELECT (${sql.val(services)}::text[])[1 + (hashint4(i + ${round * 7919}) & 2147483647) % 10], '/bulk', i % 7,
                 round(((hashint4(i * 31 + ${round}) & 2147483647) % 70000) / 10000.0, 4),
                 ${new Date(start)}::timestamptz + ((hashint4(i + ${round}) & 2147483647) % ${SPAN_DAYS * 86_400}) * interval '1 second'
          FROM generate_series(1, 5000) i`.execute(db);
      } else if (op === 8) {
        // Units changes, and an update that touches no rolled-up column writes nothing to the rollup.
        await sql`UPDATE api_usage SET units = units + 3 WHERE id = ANY(${randomIds(100)}::bigint[])`.execute(db);
        const before = await sql<{ x: string }>`SELECT string_agg(xmin::text, ',' ORDER BY day, service) AS x FROM api_usage_daily`.execute(
          db,
        );
        await sql`UPDATE api_usage SET endpoint = endpoint || '' , thread_id = NULL WHERE id = ANY(${randomIds(200)}::bigint[])`.execute(
          db,
        );
        const after = await sql<{ x: string }>`SELECT string_agg(xmin::text, ',' ORDER BY day, service) AS x FROM api_usage_daily`.execute(
          db,
        );
        expect(after.rows[0]!.x).toBe(before.rows[0]!.x);
      } else {
        // A multi-statement transaction that rolls back leaves no trace.
        await db
          .transaction()
          .execute(async (trx) => {
            await sql`INSERT INTO api_usage (service, endpoint, estimated_cost_cents, created_at) VALUES ('openai', '/x', 5, ${randomInstant()})`.execute(
              trx,
            );
            await sql`DELETE FROM api_usage WHERE id = ANY(${randomIds(50)}::bigint[])`.execute(trx);
            throw new Error('rollback');
          })
          .catch((e: Error) => expect(e.message).toBe('rollback'));
      }
      const { rows } = await sql<{ max: number }>`SELECT max(id) AS max FROM api_usage`.execute(db);
      maxId = rows[0]!.max;
      await expectConsistent(`round ${round}, op ${op}`);
    }
    for (const days of [7, 30, 90]) {
      const rolled = await costByService(db, { days, timeZone: TZ, now: NOW });
      expect(withoutSource(rolled)).toEqual(withoutSource(await costByServiceRaw(db, { days, timeZone: TZ, now: NOW })));
    }
  }, 300_000);
});

describe('concurrent writers', () => {
  const sessions = testSessions(
    () => s.url,
    () => db,
  );
  const client = () => sessions.open();
  const waitUntilBlocked = (pid: number) => sessions.waitUntilBlocked(pid);
  afterAll(() => sessions.closeAll());
  const keyCalls = async (day: string, service: string) =>
    (await sql<{ calls: number }>`SELECT calls FROM api_usage_daily WHERE day = ${day}::date AND service = ${service}`.execute(db)).rows[0]
      ?.calls ?? 0;

  it('two transactions adding to one (day, service) both count: the second waits, then adds', async () => {
    const [a, b] = [await client(), await client()];
    const bPid = b.pid;
    await a.query('BEGIN');
    await b.query('BEGIN');
    await a.query(
      `INSERT INTO api_usage (service, endpoint, estimated_cost_cents, created_at) VALUES ('race', '/x', 1.1111, '2025-11-15T18:00:00Z')`,
    );
    const bInsert = b.query(
      `INSERT INTO api_usage (service, endpoint, estimated_cost_cents, created_at) VALUES ('race', '/x', 2.2222, '2025-11-15T19:00:00Z')`,
    );
    await waitUntilBlocked(bPid);
    await a.query('COMMIT');
    await bInsert;
    await b.query('COMMIT');
    expect(await keyCalls('2025-11-15', 'race')).toBe(2);
    await expectConsistent();
  });

  it('a delete that empties a key and an insert into it, concurrently, lose nothing', async () => {
    const [a, b] = [await client(), await client()];
    const bPid = b.pid;
    await sql`INSERT INTO api_usage (service, endpoint, estimated_cost_cents, created_at) VALUES ('lonely', '/x', 3, '2025-11-16T18:00:00Z')`.execute(
      db,
    );
    await a.query('BEGIN');
    await b.query('BEGIN');
    await a.query(`DELETE FROM api_usage WHERE service = 'lonely'`); // the key's row reaches zero and is deleted
    const bInsert = b.query(
      `INSERT INTO api_usage (service, endpoint, estimated_cost_cents, created_at) VALUES ('lonely', '/x', 4, '2025-11-16T20:00:00Z')`,
    );
    await waitUntilBlocked(bPid);
    await a.query('COMMIT');
    await bInsert;
    await b.query('COMMIT');
    expect(await keyCalls('2025-11-16', 'lonely')).toBe(1);
    await expectConsistent();
  });

  it('many writers, single rows and multi-day statements in opposite orders: no lost update, no deadlock', async () => {
    const writers = await Promise.all(Array.from({ length: 6 }, () => client()));
    await Promise.all(
      writers.map(async (c, w) => {
        for (let i = 0; i < 40; i++) {
          if (i % 4 === 3) {
            // Rows for two days, listed in an order that differs between writers.
            const days = w % 2 ? ['2025-11-17T18:00:00Z', '2025-11-18T18:00:00Z'] : ['2025-11-18T18:00:00Z', '2025-11-17T18:00:00Z'];
            await c.query(
              `INSERT INTO api_usage (service, endpoint, estimated_cost_cents, created_at) VALUES ('hot', '/x', 0.5, $1), ('hot', '/x', 0.25, $2)`,
              days,
            );
          } else {
            await c.query(`BEGIN`);
            const { rows } = await c.query<{ id: string }>(
              `INSERT INTO api_usage (service, endpoint, estimated_cost_cents, created_at) VALUES ('hot', '/x', 0.0001, '2025-11-17T18:00:00Z') RETURNING id`,
            );
            await c.query(`UPDATE api_usage SET estimated_cost_cents = estimated_cost_cents + 1 WHERE id = $1`, [rows[0]!.id]);
            await c.query(`COMMIT`);
          }
        }
      }),
    );
    const { rows } = await sql<{ n: number }>`SELECT count(*) AS n FROM api_usage WHERE service = 'hot'`.execute(db);
    expect(rows[0]!.n).toBe(6 * (30 + 2 * 10));
    await expectConsistent();
  });

  it('reconciling (the backfill) while writers run is exact: rebuild from an empty rollup under load', async () => {
    // Throw the rollup away (as if the triggers had just been created on a full table), then
    // reconcile in batches while three writers insert, move and delete rows.
    await sql`DELETE FROM api_usage_daily`.execute(db);
    const writers = await Promise.all(Array.from({ length: 3 }, () => client()));
    let stop = false;
    const load = Promise.all(
      writers.map(async (c, w) => {
        for (let i = 0; !stop; i++) {
          const at = new Date(NOW.getTime() - ((i * 7919 + w * 104729) % (SPAN_DAYS * 86_400)) * 1000);
          await c.query(`INSERT INTO api_usage (service, endpoint, estimated_cost_cents, created_at) VALUES ($1, '/x', 0.75, $2)`, [
            SERVICES[(i + w) % 8],
            at,
          ]);
          if (i % 3 === 0)
            await c.query(`UPDATE api_usage SET created_at = created_at - interval '1 day' WHERE id = (SELECT max(id) - 5 FROM api_usage)`);
          if (i % 5 === 0) await c.query(`DELETE FROM api_usage WHERE id = (SELECT max(id) - 9 FROM api_usage)`);
        }
      }),
    );
    for (let d = '2024-01-01'; d <= '2026-12-31'; d = addDays(d, 14)) {
      await sql`SELECT api_usage_daily_reconcile(${d}::date, ${addDays(d, 13)}::date)`.execute(db);
      await new Promise((r) => setTimeout(r, 5));
    }
    stop = true;
    await load;
    await expectConsistent();
    const again = await sql<{ n: number }>`SELECT api_usage_daily_reconcile('1990-01-01', '2100-12-31') AS n`.execute(db);
    expect(again.rows[0]!.n).toBe(0);
  });
});

describe('query plans', () => {
  async function explain(query: RawBuilder<unknown>) {
    const { rows } = await sql<{ 'QUERY PLAN': unknown }>`EXPLAIN (ANALYZE, FORMAT JSON) ${query}`.execute(db);
    const root = parsePlanDocument(rows[0]!['QUERY PLAN']);
    return Object.assign(planNodes(root.Plan), { root: root.Plan, jit: root.JIT });
  }
  const ran = (n: PlanNode) => (n['Actual Loops'] as number) > 0;

  beforeAll(vacuum);

  it('every day, today included, comes from api_usage_daily; no row of api_usage is read', async () => {
    const b = periodBounds(30, TZ, NOW);
    const nodes = await explain(costByServiceQuery(TZ, b));
    expect(nodes.filter((n) => n['Relation Name'] === 'api_usage')).toEqual([]);
    const daily = nodes.filter((n) => n['Relation Name'] === 'api_usage_daily' && ran(n));
    expect(daily.length).toBe(1);
    // It returns the rollup's rows of the window and nothing else: today's among them.
    const { rows } = await sql<{ n: number; today: number }>`
      SELECT count(*)::int AS n, count(*) FILTER (WHERE day = ${b.today}::date)::int AS today
      FROM api_usage_daily WHERE day >= ${b.readFrom}::date AND day <= ${b.today}::date`.execute(db);
    expect(rows[0]!.today).toBeGreaterThan(0);
    const readRows = (n: PlanNode): number => (n['Actual Rows'] as number) * (n['Actual Loops'] as number);
    expect(readRows(nodes.root)).toBe(rows[0]!.n + 1); // + the settings row
    // The plan stays small: a join with the (unanalyzed, so ~1,000-row) settings table once
    // multiplied its estimate into hundreds of millions of rows and triggered 450 ms of JIT.
    expect(nodes.root['Plan Rows']).toBeLessThan(10_000);
    expect(nodes.jit).toBeUndefined();
  });

  it("today's rows alone, read from api_usage (issue 11's design, kept for the bench), take an Index Only Scan without heap fetches", async () => {
    const b = periodBounds(30, TZ, NOW);
    const nodes = await explain(costTodayRawQuery(TZ, b));
    const raw = nodes.filter((n) => n['Relation Name'] === 'api_usage');
    expect(raw.map((n) => [n['Node Type'], n['Index Name'], n['Heap Fetches']])).toEqual([
      ['Index Only Scan', 'api_usage_analytics_idx', 0],
    ]);
    expect(raw[0]!['Actual Rows']).toBe((await sqlTotals(b.today, b.today)).calls);
  });

  it('the raw variant reads the whole window through the same covering index', async () => {
    const b = periodBounds(30, TZ, NOW);
    const nodes = await explain(costByServiceRawQuery(TZ, b));
    const scans = nodes.filter((n) => n['Relation Name'] === 'api_usage');
    expect(scans.map((n) => [n['Node Type'], n['Index Name']])).toEqual([['Index Only Scan', 'api_usage_analytics_idx']]);
    expect(scans[0]!['Actual Rows']).toBe((await sqlTotals(b.readFrom, b.today)).calls);
  });
});

describe('rebuild and migration files', () => {
  async function runSql(db: Kysely<any>, text: string) {
    await db.transaction().execute(async (trx) => {
      await sql.raw(text).execute(trx);
    });
  }

  it('CALL api_usage_daily_rebuild(zone) re-cuts every day in the new zone, online; the app then uses it', async () => {
    await sql.raw(`CALL api_usage_daily_rebuild('UTC', 20)`).execute(db);
    let c = await expectConsistent();
    expect(c.timeZone).toBe('UTC');
    const utc = await costByService(db, { days: 30, timeZone: 'UTC', now: NOW });
    expect(utc.source).toBe('rollup');
    expect(withoutSource(utc)).toEqual(withoutSource(await costByServiceRaw(db, { days: 30, timeZone: 'UTC', now: NOW })));
    expect((await costByService(db, { days: 30, timeZone: TZ, now: NOW })).source).toBe('raw');
    await sql.raw(`CALL api_usage_daily_rebuild('${TZ}')`).execute(db);
    c = await expectConsistent();
    expect(c.timeZone).toBe(TZ);
    await expect(sql.raw(`CALL api_usage_daily_rebuild('Mars/Olympus_Mons')`).execute(db)).rejects.toThrow(/time zone/);
  });

  it('the down files remove everything (api_usage keeps working) and the up files rebuild it exactly', async () => {
    const files = new Map(loadMigrationFiles().map((f) => [f.name, f]));
    const rollup = files.get('0005_api_usage_daily_rollup')!;
    const backfill = files.get('0005_api_usage_daily_rollup_backfill')!;
    // 0025's top-spenders cache reads 0005's settings from its trigger on api_usage: down first, up last.
    const cache = files.get('0025_top_spenders_cache')!;
    await runSql(db, cache.down!);
    await runSql(db, backfill.down!);
    await runSql(db, rollup.down!);
    const left = await sql<{ n: number }>`
      SELECT (SELECT count(*) FROM pg_trigger WHERE tgrelid = 'api_usage'::regclass AND NOT tgisinternal AND tgname LIKE 'api\\_usage\\_daily\\_%')
           + (SELECT count(*) FROM pg_class WHERE relname IN ('api_usage_daily', 'api_usage_rollup_settings'))
           + (SELECT count(*) FROM pg_proc WHERE proname LIKE 'api_usage_daily%' OR proname = 'business_time_zone') AS n`.execute(db);
    expect(left.rows[0]!.n).toBe(0);
    await sql`INSERT INTO api_usage (service, endpoint, estimated_cost_cents, created_at) VALUES ('while_down', '/x', 9, ${NOW})`.execute(
      db,
    );
    await runSql(db, rollup.up);
    await runSql(db, backfill.up);
    await runSql(db, backfill.up); // idempotent
    await runSql(db, cache.up);
    await expectConsistent();
  });

  it('TRUNCATE api_usage (the seeder’s --reset) empties the rollup too', async () => {
    await sql`TRUNCATE api_usage`.execute(db);
    const { rows } = await sql<{ n: number }>`SELECT count(*) AS n FROM api_usage_daily`.execute(db);
    expect(rows[0]!.n).toBe(0);
    await sql`INSERT INTO api_usage (service, endpoint, estimated_cost_cents, created_at) VALUES ('after', '/x', 1, ${NOW})`.execute(db);
    await expectConsistent();
  });
});
