import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runMigrations } from '@/db/migrator';
import { seedDatabase } from '@/db/seed/index';
import { createScratchDatabase, type ScratchDatabase } from '@/db/testing/database';
import { addDays, businessDay } from '@/lib/business-day';
import { decodeCursor } from '@/lib/contract/appointments';
import { readIndexSection } from './db-health-indexes';
import { explainPlan } from './db-health-plans';
import { scheduleDayCounts, scheduleDayCountsQuery, scheduleFacets, scheduleListQuery, schedulePage, scheduleWindow } from './schedule';

const TZ = 'America/Chicago';
let s: ScratchDatabase;
let anchor: Date;
let anchorDay: string;

// Hand-made bookings live in 2031, far from the seeded year, so their days hold only them.
let ann: number;
let bob: number;

beforeAll(async () => {
  s = await createScratchDatabase('schedule_q');
  await runMigrations(s.db);
  const report = await seedDatabase(s.db, { scale: '100k', seed: 1 });
  anchor = report.anchor;
  anchorDay = businessDay(TZ, anchor);
  const [a, b] = await s.db
    .insertInto('customers')
    .values([{ name: 'Ann Kim' }, { name: "Bob O'Brien" }])
    .returning('id')
    .execute();
  ann = a!.id;
  bob = b!.id;
  const at = (iso: string, customer: number, extra: Record<string, unknown> = {}) => ({
    customer_id: customer,
    date: new Date(iso),
    service_type: 'Drain cleaning',
    status: 'scheduled' as const,
    technician: 'Grace Kim',
    ...extra,
  });
  await s.db
    .insertInto('appointments')
    .values([
      // Chicago, spring forward 2031-03-09 (23 h): 00:00 CST = 06:00Z; next midnight 00:00 CDT = 05:00Z (03-10).
      at('2031-03-09T05:59:59.999Z', ann), // 23:59:59.999 on the 8th
      at('2031-03-09T06:00:00Z', ann), // 00:00 on the 9th
      at('2031-03-10T04:59:59Z', bob, { technician: `D'Angelo "Dee" Smith` }), // 23:59:59 CDT on the 9th
      at('2031-03-10T05:00:00Z', bob), // 00:00 on the 10th
      // Fall back 2031-11-02 (25 h): 00:00 CDT = 05:00Z; next midnight 00:00 CST = 06:00Z (11-03).
      at('2031-11-02T05:00:00Z', ann, { status: 'confirmed' }),
      at('2031-11-03T05:30:00Z', ann, { status: 'confirmed' }), // 23:30 CST on the 2nd
      at('2031-11-03T06:00:00Z', ann, { status: 'completed' }), // 00:00 on the 3rd
      // The week of Mon 2031-03-31 .. Sun 2031-04-06 crosses a month boundary.
      at('2031-03-31T15:00:00Z', ann, { technician: 'Luis Ortega', service_type: 'HVAC repair' }),
      at('2031-04-02T15:00:00Z', bob, { status: 'confirmed', technician: 'Luis Ortega' }),
      at('2031-04-06T22:00:00Z', bob, { status: 'cancelled', technician: null }),
      at('2031-04-07T05:00:00Z', bob), // Monday 00:00 of the next week: outside
    ])
    .execute();
  await sql`VACUUM ANALYZE appointments`.execute(s.db);
});
afterAll(() => s?.drop());

const page = (
  f: Parameters<typeof scheduleWindow>[0] & { technician?: string; status?: 'scheduled' | 'confirmed' | 'completed'; serviceType?: string },
  limit = 50,
  now = new Date('2031-01-01T00:00:00Z'),
) => {
  const w = scheduleWindow(f, TZ);
  return schedulePage(s.db, { ...f, from: w.from, to: w.to, limit, now });
};

describe('day boundaries in the business time zone', () => {
  it('a 23-hour spring-forward day holds exactly its bookings, midnight to midnight', async () => {
    const day = await page({ view: 'day', date: '2031-03-09' });
    expect(day.items.map((i) => i.date.toISOString())).toEqual(['2031-03-09T06:00:00.000Z', '2031-03-10T04:59:59.000Z']);
    const before = await page({ view: 'day', date: '2031-03-08' });
    expect(before.items.map((i) => i.date.toISOString())).toEqual(['2031-03-09T05:59:59.999Z']);
    const after = await page({ view: 'day', date: '2031-03-10' });
    expect(after.items.map((i) => i.date.toISOString())).toEqual(['2031-03-10T05:00:00.000Z']);
  });

  it('a 25-hour fall-back day includes its extra hour', async () => {
    const day = await page({ view: 'day', date: '2031-11-02' });
    expect(day.items.map((i) => i.date.toISOString())).toEqual(['2031-11-02T05:00:00.000Z', '2031-11-03T05:30:00.000Z']);
  });

  it('an empty day is an empty page, not an error', async () => {
    expect(await page({ view: 'day', date: '2031-06-15' })).toEqual({ items: [], nextCursor: null });
  });
});

describe('the week view', () => {
  it('runs Monday to Sunday across a month boundary, from any of its days', async () => {
    const w = scheduleWindow({ view: 'week', date: '2031-04-03' }, TZ);
    expect(w.days).toEqual(['2031-03-31', '2031-04-01', '2031-04-02', '2031-04-03', '2031-04-04', '2031-04-05', '2031-04-06']);
    const week = await page({ view: 'week', date: '2031-04-06' });
    expect(week.items.map((i) => i.date.toISOString())).toEqual([
      '2031-03-31T15:00:00.000Z',
      '2031-04-02T15:00:00.000Z',
      '2031-04-06T22:00:00.000Z',
    ]);
  });

  it('counts every day of the week, empty ones as 0, with what needs attention', async () => {
    const w = scheduleWindow({ view: 'week', date: '2031-04-01' }, TZ);
    // "now" after the whole week: the scheduled and confirmed bookings are past and unfinished.
    const counts = await scheduleDayCounts(s.db, { ...w, timeZone: TZ, now: new Date('2031-05-01T00:00:00Z') });
    expect(counts).toEqual([
      { day: '2031-03-31', total: 1, needsAttention: 1 },
      { day: '2031-04-01', total: 0, needsAttention: 0 },
      { day: '2031-04-02', total: 1, needsAttention: 1 },
      { day: '2031-04-03', total: 0, needsAttention: 0 },
      { day: '2031-04-04', total: 0, needsAttention: 0 },
      { day: '2031-04-05', total: 0, needsAttention: 0 },
      { day: '2031-04-06', total: 1, needsAttention: 0 },
    ]);
    // Before the week: only the unconfirmed one needs attention.
    const early = await scheduleDayCounts(s.db, { ...w, timeZone: TZ, now: new Date('2031-01-01T00:00:00Z') });
    expect(early.map((d) => d.needsAttention)).toEqual([1, 0, 0, 0, 0, 0, 0]);
  });

  it('the day counts cut days where the list does, on DST days too', async () => {
    const w = scheduleWindow({ view: 'week', date: '2031-03-09' }, TZ); // Mon 03-03 .. Sun 03-09
    const counts = await scheduleDayCounts(s.db, { ...w, timeZone: TZ });
    expect(counts.find((d) => d.day === '2031-03-08')!.total).toBe(1);
    expect(counts.find((d) => d.day === '2031-03-09')!.total).toBe(2);
  });
});

describe('filters', () => {
  it('combine: technician, status and service type', async () => {
    const week = { view: 'week' as const, date: '2031-04-01' };
    expect((await page({ ...week, technician: 'Luis Ortega' })).items.map((i) => i.customerName)).toEqual(['Ann Kim', "Bob O'Brien"]);
    expect((await page({ ...week, technician: 'Luis Ortega', status: 'confirmed' })).items.map((i) => i.customerName)).toEqual([
      "Bob O'Brien",
    ]);
    expect((await page({ ...week, technician: 'Luis Ortega', serviceType: 'HVAC repair' })).items.map((i) => i.customerName)).toEqual([
      'Ann Kim',
    ]);
    expect((await page({ ...week, technician: 'Luis Ortega', status: 'confirmed', serviceType: 'HVAC repair' })).items).toEqual([]);
  });

  it('a technician name with quotes is matched exactly', async () => {
    const day = await page({ view: 'day', date: '2031-03-09', technician: `D'Angelo "Dee" Smith` });
    expect(day.items.map((i) => [i.customerId, i.technician])).toEqual([[bob, `D'Angelo "Dee" Smith`]]);
    expect((await page({ view: 'day', date: '2031-03-09', technician: `D'Angelo` })).items).toEqual([]);
  });

  it('offers the technicians and services the window holds, unassigned counted apart', async () => {
    const w = scheduleWindow({ view: 'week', date: '2031-04-01' }, TZ);
    expect(await scheduleFacets(s.db, w)).toEqual({
      technicians: [{ name: 'Luis Ortega', count: 2 }],
      unassigned: 1,
      serviceTypes: [
        { name: 'Drain cleaning', count: 2 },
        { name: 'HVAC repair', count: 1 },
      ],
    });
  });
});

describe('a busy seeded day', () => {
  it('pages with a keyset cursor through every booking of the day, once each, in time order', async () => {
    const w = scheduleWindow({ view: 'day', date: anchorDay }, TZ);
    const { rows } = await sql<{ id: number }>`
      select id from appointments where date >= ${w.from} and date < ${w.to} order by date, id`.execute(s.db);
    expect(rows.length).toBeGreaterThan(200);
    const seen: number[] = [];
    let cursor: string | null = null;
    do {
      const p: Awaited<ReturnType<typeof schedulePage>> = await schedulePage(s.db, {
        ...w,
        limit: 97,
        cursor: cursor ? decodeCursor(cursor) : null,
      });
      seen.push(...p.items.map((i) => i.id));
      cursor = p.nextCursor;
    } while (cursor);
    expect(seen).toEqual(rows.map((r) => Number(r.id)));
  });

  it('marks unconfirmed and scheduled-but-past bookings as needing attention', async () => {
    // Every booking of the seed's day and the next: the seed books 'scheduled' only after its anchor,
    // so the first page of the anchor's own day can hold none when the run starts late in the day.
    let flagged = 0;
    for (const date of [anchorDay, addDays(anchorDay, 1)]) {
      const w = scheduleWindow({ view: 'day', date }, TZ);
      let cursor: string | null = null;
      do {
        const p: Awaited<ReturnType<typeof schedulePage>> = await schedulePage(s.db, {
          ...w,
          limit: 97,
          now: anchor,
          cursor: cursor ? decodeCursor(cursor) : null,
        });
        for (const i of p.items) {
          const expected = i.status === 'scheduled' || (i.status === 'confirmed' && i.date < anchor);
          expect(i.needsAttention, `${i.id} ${i.status} ${i.date.toISOString()}`).toBe(expected);
          if (i.needsAttention) flagged++;
        }
        cursor = p.nextCursor;
      } while (cursor);
    }
    expect(flagged).toBeGreaterThan(0);
  });
});

describe('plans: the guide indexes serve the schedule', () => {
  const window = (view: 'day' | 'week') => scheduleWindow({ view, date: anchorDay }, TZ);

  it('a day reads appointments_date_idx', async () => {
    const plan = await explainPlan(s.db, scheduleListQuery(s.db, { ...window('day'), limit: 50 }).compile());
    expect(plan.indexes, plan.lines.join('\n')).toContain('appointments_date_idx');
    expect(
      plan.seqScans.map((x) => x.table),
      plan.lines.join('\n'),
    ).toEqual([]);
  });

  it('a week with a status filter reads appointments_status_idx', async () => {
    const plan = await explainPlan(s.db, scheduleListQuery(s.db, { ...window('week'), status: 'confirmed', limit: 50 }).compile());
    expect(plan.indexes, plan.lines.join('\n')).toContain('appointments_status_idx');
    expect(
      plan.seqScans.map((x) => x.table),
      plan.lines.join('\n'),
    ).toEqual([]);
  });

  it('the next page starts at the cursor in the index', async () => {
    const first = await schedulePage(s.db, { ...window('day'), limit: 50 });
    const plan = await explainPlan(
      s.db,
      scheduleListQuery(s.db, { ...window('day'), limit: 50, cursor: decodeCursor(first.nextCursor!) }).compile(),
    );
    expect(plan.indexes, plan.lines.join('\n')).toContain('appointments_date_idx');
    expect(plan.lines.join('\n')).toMatch(/Index Cond:.*ROW\(date, id\)|Index Cond:.*date >/);
  });

  it('the week counts read an index, not the table', async () => {
    const plan = await explainPlan(
      s.db,
      scheduleDayCountsQuery(s.db, { ...window('week'), status: 'scheduled', timeZone: TZ, now: anchor }).compile(),
    );
    expect(plan.indexes, plan.lines.join('\n')).toContain('appointments_status_idx');
    expect(
      plan.seqScans.map((x) => x.table),
      plan.lines.join('\n'),
    ).toEqual([]);
  });
});

describe('the Database page after the schedule has run', () => {
  it("no longer calls the guide's date and status indexes unused", { timeout: 60_000 }, async () => {
    const w = scheduleWindow({ view: 'week', date: anchorDay }, TZ);
    const kinds = async (name: string) =>
      (await readIndexSection(s.db)).data.indexes.find((i) => i.name === name)?.findings.map((f) => f.kind);
    // This scratch database's counters from zero (the tests above used the indexes): both unused.
    await sql`select pg_stat_reset()`.execute(s.db);
    for (const name of ['appointments_date_idx', 'appointments_status_idx']) {
      await expect.poll(() => kinds(name), { timeout: 10_000, interval: 500 }).toContain('unused');
    }
    await schedulePage(s.db, { ...scheduleWindow({ view: 'day', date: anchorDay }, TZ), limit: 50 });
    await schedulePage(s.db, { ...w, status: 'confirmed', limit: 50 });
    // Scan counts reach pg_stat_user_indexes when the backend flushes them: PostgreSQL 15 does so
    // at most once a second, and an idle backend within 10 s.
    for (const name of ['appointments_date_idx', 'appointments_status_idx']) {
      await expect
        .poll(() => kinds(name), { message: name, timeout: 25_000, interval: 1000 })
        .toEqual(expect.not.arrayContaining(['unused']));
    }
  });
});
