import { type CompiledQuery, sql } from 'kysely';
import { explainCompiled, indexesUsed, planOutline, seqScannedTables } from '@/db/plan';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runMigrations } from '@/db/migrator';
import type { AppointmentStatus } from '@/db/schema';
import { seedDatabase } from '@/db/seed/index';
import { type AppointmentCursor, decodeCursor, encodeCursor } from '@/lib/contract/appointments';
import { BOOKING_TABS, type BookingTab } from '@/lib/contract/bookings';
import { createScratchDatabase, type ScratchDatabase } from '@/db/testing/database';
import {
  appointmentTabCounts,
  appointmentTabCountsQuery,
  customerAppointments,
  customerAppointmentsQuery,
  customerById,
  customerByIdQuery,
  customerExists,
} from './bookings';
import { SEARCH_MATCH_CAP, searchCustomers, searchCustomersQuery } from './bookings-search';
import { escapeLike, planCustomerSearch } from './bookings-search-plan';

let s: ScratchDatabase;
let now: Date;

beforeAll(async () => {
  s = await createScratchDatabase('bookings_q');
  await runMigrations(s.db);
  // 100k scale: 10,000 customers, 100,000 appointments (a year back, 60 days ahead of the anchor).
  const report = await seedDatabase(s.db, { scale: '100k', seed: 1 });
  // The seed's "now": appointments sit on half-hour slots, so some start exactly at it (the boundary).
  now = report.anchor;
});
afterAll(() => s?.drop());

// ---------------------------------------------------------------------------------------------
// Plans
// ---------------------------------------------------------------------------------------------

/** EXPLAIN (FORMAT JSON) of exactly the SQL and parameters the query function sends. */
async function explain(query: { compile(): CompiledQuery }) {
  const root = (await explainCompiled(s.db, query.compile())).Plan;
  return { indexes: indexesUsed(root), seqScans: seqScannedTables(root), outline: planOutline(root) };
}

function expectPlan(plan: Awaited<ReturnType<typeof explain>>, index: string) {
  expect(plan.indexes, plan.outline).toContain(index);
  expect(
    plan.seqScans.filter((r) => r === 'appointments' || r === 'customers'),
    plan.outline,
  ).toEqual([]);
}

// ---------------------------------------------------------------------------------------------
// Direct SQL: what the query functions must return, written independently of them
// ---------------------------------------------------------------------------------------------

const APPT_COLUMNS = sql`id, date, duration_minutes AS "durationMinutes", status, service_type AS "serviceType", technician,
  amount_cents AS "amountCents", notes, housecallpro_job_id AS "housecallproJobId"`;

async function directAppointments(p: {
  customerId: number;
  tab: BookingTab;
  status?: AppointmentStatus | null;
  technician?: string | null;
  from?: Date | null;
  to?: Date | null;
}) {
  const tabCond =
    p.tab === 'cancelled'
      ? sql`status = 'cancelled'`
      : p.tab === 'upcoming'
        ? sql`status <> 'cancelled' AND date >= ${now}`
        : sql`status <> 'cancelled' AND date < ${now}`;
  const order = p.tab === 'upcoming' ? sql`date ASC, id ASC` : sql`date DESC, id DESC`;
  const { rows } = await sql<Record<string, unknown>>`
    SELECT ${APPT_COLUMNS} FROM appointments
    WHERE customer_id = ${p.customerId} AND ${tabCond}
      AND (${p.status ?? null}::text IS NULL OR status = ${p.status ?? null})
      AND (${p.technician ?? null}::text IS NULL OR technician = ${p.technician ?? null})
      AND (${p.from ?? null}::timestamptz IS NULL OR date >= ${p.from ?? null})
      AND (${p.to ?? null}::timestamptz IS NULL OR date < ${p.to ?? null})
    ORDER BY ${order}`.execute(s.db);
  return rows;
}

/** Every page of a tab, following nextCursor; fails on a page that repeats a row. */
async function allPages(p: Parameters<typeof customerAppointments>[1]) {
  const out: Awaited<ReturnType<typeof customerAppointments>>['items'] = [];
  let cursor: AppointmentCursor | null = null;
  for (let guard = 0; guard < 1000; guard++) {
    const page = await customerAppointments(s.db, { ...p, cursor });
    expect(page.items.length).toBeLessThanOrEqual(p.limit);
    out.push(...page.items);
    if (!page.nextCursor) break;
    expect(page.items.length).toBe(p.limit);
    cursor = decodeCursor(page.nextCursor);
    expect(cursor).not.toBeNull();
  }
  expect(new Set(out.map((r) => r.id)).size).toBe(out.length);
  return out;
}

async function customersWith(where: ReturnType<typeof sql>, limit = 5): Promise<number[]> {
  const { rows } = await sql<{ customer_id: number }>`
    SELECT customer_id FROM appointments GROUP BY customer_id HAVING ${where}
    ORDER BY count(*) DESC, customer_id LIMIT ${limit}`.execute(s.db);
  return rows.map((r) => r.customer_id);
}

// ---------------------------------------------------------------------------------------------
// Appointments
// ---------------------------------------------------------------------------------------------

describe('customerAppointments', () => {
  it('returns exactly the rows of the direct query, in order, across pages, for every tab', async () => {
    const busiest = await customersWith(sql`true`, 8);
    const allTabs = await customersWith(
      sql`bool_or(status = 'cancelled') AND bool_or(status <> 'cancelled' AND date >= ${now}) AND bool_or(status <> 'cancelled' AND date < ${now})`,
      8,
    );
    const atBoundary = await customersWith(sql`bool_or(date = ${now})`, 4);
    const ids = [...new Set([...busiest, ...allTabs, ...atBoundary])];
    expect(allTabs.length).toBeGreaterThan(0);
    for (const customerId of ids) {
      for (const tab of BOOKING_TABS) {
        const expected = await directAppointments({ customerId, tab });
        for (const limit of [1, 3, 100]) {
          const got = await allPages({ customerId, tab, limit, now });
          expect(got, `customer ${customerId} ${tab} limit ${limit}`).toEqual(expected);
        }
      }
    }
  });

  it('puts every appointment in exactly one tab, by the documented rule', async () => {
    const [customerId] = await customersWith(sql`bool_or(date = ${now}) OR true`, 1);
    const byTab = Object.fromEntries(
      await Promise.all(BOOKING_TABS.map(async (tab) => [tab, await allPages({ customerId: customerId!, tab, limit: 5, now })] as const)),
    ) as Record<BookingTab, Awaited<ReturnType<typeof allPages>>>;
    for (const r of byTab.upcoming) {
      expect(r.status).not.toBe('cancelled');
      expect(r.date.getTime()).toBeGreaterThanOrEqual(now.getTime());
    }
    for (const r of byTab.past) {
      expect(r.status).not.toBe('cancelled');
      expect(r.date.getTime()).toBeLessThan(now.getTime());
    }
    for (const r of byTab.cancelled) expect(r.status).toBe('cancelled');
    const { rows } = await sql<{ id: number }>`SELECT id FROM appointments WHERE customer_id = ${customerId} ORDER BY id`.execute(s.db);
    const union = [...byTab.upcoming, ...byTab.past, ...byTab.cancelled].map((r) => r.id).sort((a, b) => a - b);
    expect(union).toEqual(rows.map((r) => r.id));
  });

  it('an appointment starting exactly now is upcoming, not past', async () => {
    const c = await s.db.insertInto('customers').values({ name: 'Boundary Now' }).returning('id').executeTakeFirstOrThrow();
    await s.db
      .insertInto('appointments')
      .values([
        { customer_id: c.id, date: now, status: 'confirmed', service_type: 'At now' },
        { customer_id: c.id, date: new Date(now.getTime() - 1), status: 'in_progress', service_type: 'Just before' },
      ])
      .execute();
    const upcoming = await allPages({ customerId: c.id, tab: 'upcoming', limit: 100, now });
    const past = await allPages({ customerId: c.id, tab: 'past', limit: 100, now });
    expect(upcoming.map((r) => r.serviceType)).toEqual(['At now']);
    expect(past.map((r) => r.serviceType)).toEqual(['Just before']);
    expect(await appointmentTabCounts(s.db, { customerId: c.id, now })).toEqual({ upcoming: 1, past: 1, cancelled: 0 });
  });

  it('filters by status and date range exactly like the direct query', async () => {
    const busiest = await customersWith(sql`true`, 4);
    const from = new Date(now.getTime() - 200 * 86_400_000);
    const to = new Date(now.getTime() - 30 * 86_400_000);
    for (const customerId of busiest) {
      for (const [tab, status] of [
        ['past', 'completed'],
        ['past', 'no_show'],
        ['upcoming', 'scheduled'],
        ['upcoming', 'confirmed'],
        ['cancelled', 'cancelled'],
      ] as const) {
        for (const range of [{}, { from }, { to }, { from, to }]) {
          const expected = await directAppointments({ customerId, tab, status, ...range });
          const got = await allPages({ customerId, tab, status, ...range, limit: 2, now });
          expect(got, `customer ${customerId} ${tab} ${status} ${JSON.stringify(range)}`).toEqual(expected);
        }
      }
      const expected = await directAppointments({ customerId, tab: 'past', from, to });
      expect(await allPages({ customerId, tab: 'past', from, to, limit: 4, now })).toEqual(expected);
    }
  });

  it('filters by technician, with the tab counts counting the same rows', async () => {
    const busiest = await customersWith(sql`true`, 3);
    let nonEmpty = 0;
    for (const customerId of busiest) {
      const { rows } = await sql<{ technician: string }>`
        SELECT technician FROM appointments WHERE customer_id = ${customerId} AND technician IS NOT NULL
        GROUP BY technician ORDER BY count(*) DESC, technician LIMIT 1`.execute(s.db);
      const technician = rows[0]!.technician;
      const counts = await appointmentTabCounts(s.db, { customerId, technician, now });
      for (const tab of BOOKING_TABS) {
        const expected = await directAppointments({ customerId, tab, technician });
        const got = await allPages({ customerId, tab, technician, limit: 3, now });
        expect(got, `customer ${customerId} ${tab} ${technician}`).toEqual(expected);
        expect(counts[tab], tab).toBe(expected.length);
        nonEmpty += expected.length;
      }
      // A name that differs only by a quote matches nothing.
      expect(await allPages({ customerId, tab: 'past', technician: `${technician}'`, limit: 3, now })).toEqual([]);
    }
    expect(nonEmpty).toBeGreaterThan(0);
  });

  it('pages neither skip nor repeat rows that share a start time or differ by a microsecond', async () => {
    const c = await s.db.insertInto('customers').values({ name: 'Tie Breaker Microsecond' }).returning('id').executeTakeFirstOrThrow();
    const base = new Date(now.getTime() - 10 * 86_400_000);
    // Four at the very same instant, then three a microsecond apart: a millisecond cursor would skip them.
    await sql`INSERT INTO appointments (customer_id, date, status, service_type)
      SELECT ${c.id}::bigint, ${base}::timestamptz, 'completed', 'Tie' FROM generate_series(1, 4)
      UNION ALL
      SELECT ${c.id}::bigint, ${base}::timestamptz + make_interval(secs => g / 1e6), 'completed', 'Micro' FROM generate_series(1, 3) g
      UNION ALL
      SELECT ${c.id}::bigint, ${now}::timestamptz + interval '1 day' + make_interval(secs => g / 1e6), 'scheduled', 'Micro' FROM generate_series(1, 3) g`.execute(
      s.db,
    );
    for (const tab of ['past', 'upcoming'] as const) {
      const expected = await directAppointments({ customerId: c.id, tab });
      expect(expected.length).toBe(tab === 'past' ? 7 : 3);
      for (const limit of [1, 2, 3]) expect(await allPages({ customerId: c.id, tab, limit, now })).toEqual(expected);
    }
  });

  it('uses appointments_customer_id_idx for every tab, filter and cursor, never a Seq Scan', async () => {
    const [customerId] = await customersWith(sql`true`, 1);
    const cursor = { date: new Date(now.getTime() - 90 * 86_400_000).toISOString().replace('Z', '000Z'), id: 50_000 };
    for (const tab of BOOKING_TABS) {
      const variants = [
        { customerId: customerId!, tab, limit: 20, now },
        { customerId: customerId!, tab, limit: 20, now, cursor },
        { customerId: customerId!, tab, limit: 20, now, status: tab === 'cancelled' ? ('cancelled' as const) : ('completed' as const) },
        {
          customerId: customerId!,
          tab,
          limit: 20,
          now,
          from: new Date(now.getTime() - 300 * 86_400_000),
          to: new Date(now.getTime() + 30 * 86_400_000),
          cursor,
        },
      ];
      for (const v of variants) expectPlan(await explain(customerAppointmentsQuery(s.db, v)), 'appointments_customer_id_idx');
    }
  });
});

describe('appointmentTabCounts', () => {
  it('matches the direct counts and the number of rows each tab pages through', async () => {
    const ids = await customersWith(sql`true`, 5);
    for (const customerId of ids) {
      const counts = await appointmentTabCounts(s.db, { customerId, now });
      for (const tab of BOOKING_TABS) {
        expect(counts[tab], `${customerId} ${tab}`).toBe((await directAppointments({ customerId, tab })).length);
      }
      const { rows } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM appointments WHERE customer_id = ${customerId}`.execute(
        s.db,
      );
      expect(counts.upcoming + counts.past + counts.cancelled).toBe(rows[0]!.n);
      const from = new Date(now.getTime() - 120 * 86_400_000);
      const ranged = await appointmentTabCounts(s.db, { customerId, now, from, to: now });
      for (const tab of BOOKING_TABS) {
        expect(ranged[tab]).toBe((await directAppointments({ customerId, tab, from, to: now })).length);
      }
    }
  });

  it('is zero for a customer without appointments', async () => {
    const { rows } = await sql<{
      id: number;
    }>`SELECT id FROM customers c WHERE NOT EXISTS (SELECT 1 FROM appointments a WHERE a.customer_id = c.id) LIMIT 1`.execute(s.db);
    expect(await appointmentTabCounts(s.db, { customerId: rows[0]!.id, now })).toEqual({ upcoming: 0, past: 0, cancelled: 0 });
  });

  it('is one scan of appointments_customer_id_idx', async () => {
    const [customerId] = await customersWith(sql`true`, 1);
    expectPlan(await explain(appointmentTabCountsQuery(s.db, { customerId: customerId!, now })), 'appointments_customer_id_idx');
    expectPlan(
      await explain(
        appointmentTabCountsQuery(s.db, { customerId: customerId!, now, from: new Date(now.getTime() - 86_400_000 * 30), to: now }),
      ),
      'appointments_customer_id_idx',
    );
  });
});

// ---------------------------------------------------------------------------------------------
// Customer card
// ---------------------------------------------------------------------------------------------

describe('customerById', () => {
  it('returns the contact details and conversations exactly as the database holds them', async () => {
    const { rows } = await sql<{ customer_id: number }>`
      SELECT customer_id FROM shared_threads WHERE customer_id IS NOT NULL
      GROUP BY customer_id ORDER BY count(*) DESC, customer_id LIMIT 3`.execute(s.db);
    const withoutThreads = await sql<{ id: number }>`
      SELECT id FROM customers c WHERE NOT EXISTS (SELECT 1 FROM shared_threads t WHERE t.customer_id = c.id) ORDER BY id LIMIT 1`.execute(
      s.db,
    );
    for (const id of [...rows.map((r) => r.customer_id), withoutThreads.rows[0]!.id]) {
      const expected = await sql<Record<string, unknown>>`
        SELECT id, name, phone, email, housecallpro_id AS "housecallproId", service_address AS "serviceAddress",
          created_at AS "createdAt",
          (SELECT count(*)::int FROM shared_threads t WHERE t.customer_id = c.id) AS "threadCount",
          (SELECT t.id FROM shared_threads t WHERE t.customer_id = c.id AND t.last_message_at IS NOT NULL
            ORDER BY t.last_message_at DESC LIMIT 1) AS "latestThreadId"
        FROM customers c WHERE id = ${id}`.execute(s.db);
      expect(await customerById(s.db, { customerId: id })).toEqual(expected.rows[0]);
    }
    expect(rows.length).toBeGreaterThan(0);
  });

  it('the seed gives nearly every customer a service address, one line', async () => {
    const { rows } = await sql<{ total: number; with_address: number; one_line: number }>`
      SELECT count(*)::int AS total, count(service_address)::int AS with_address,
             count(*) FILTER (WHERE service_address ~ '^[0-9]+ .+, .+, TX 75[0-9]{3}$')::int AS one_line FROM customers`.execute(s.db);
    const r = rows[0]!;
    expect(r.with_address / r.total).toBeGreaterThan(0.9);
    expect(r.with_address).toBeLessThan(r.total);
    expect(r.one_line).toBe(r.with_address);
  });

  it('is null for an unknown id, and customerExists agrees', async () => {
    expect(await customerById(s.db, { customerId: 9_000_000_000 })).toBeNull();
    expect(await customerExists(s.db, { customerId: 9_000_000_000 })).toBe(false);
    expect(await customerExists(s.db, { customerId: 1 })).toBe(true);
  });

  it('reads customers_pkey and shared_threads_customer_id_idx', async () => {
    const plan = await explain(customerByIdQuery(s.db, { customerId: 1 }));
    expectPlan(plan, 'customers_pkey');
    expect([...plan.indexes]).toContain('shared_threads_customer_id_idx');
    expect(plan.seqScans).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------
// Customer search
// ---------------------------------------------------------------------------------------------

describe('planCustomerSearch', () => {
  it('reads phone numbers in any format as digits, with the +1 country code understood', () => {
    expect(planCustomerSearch('(312) 555-0142')).toEqual({ kind: 'phone', digits: '3125550142', e164Prefixes: ['+13125550142'] });
    expect(planCustomerSearch('+1 312.555.0142')).toEqual({ kind: 'phone', digits: '13125550142', e164Prefixes: ['+13125550142'] });
    expect(planCustomerSearch('1-312-555')).toEqual({ kind: 'phone', digits: '1312555', e164Prefixes: ['+1312555', '+11312555'] });
    expect(planCustomerSearch('555')).toMatchObject({ kind: 'phone', digits: '555' });
    expect(planCustomerSearch('31')).toMatchObject({ kind: 'none', hint: expect.stringMatching(/3 digits/) });
  });

  it('sends names and emails to the trigram indexes from 3 characters, 1-2 letters to the prefix index', () => {
    expect(planCustomerSearch('  Smi  ')).toEqual({ kind: 'text', text: 'smi' });
    expect(planCustomerSearch('Van   Dyke')).toEqual({ kind: 'words', text: 'van dyke', words: ['van', 'dyke'], indexed: ['van', 'dyke'] });
    expect(planCustomerSearch('warren k')).toEqual({ kind: 'words', text: 'warren k', words: ['warren', 'k'], indexed: ['warren'] });
    expect(planCustomerSearch('jo b')).toEqual({ kind: 'text', text: 'jo b' });
    expect(planCustomerSearch('@gmail')).toEqual({ kind: 'email', text: '@gmail' });
    expect(planCustomerSearch('Jo')).toEqual({ kind: 'prefix', text: 'jo' });
    expect(planCustomerSearch('j')).toEqual({ kind: 'prefix', text: 'j' });
    expect(planCustomerSearch('%_')).toMatchObject({ kind: 'none' });
    expect(planCustomerSearch("o'b")).toEqual({ kind: 'prefix', text: "o'b" });
    expect(planCustomerSearch('--')).toMatchObject({ kind: 'none' });
    expect(planCustomerSearch('@')).toMatchObject({ kind: 'none' });
    expect(planCustomerSearch('')).toMatchObject({ kind: 'none' });
  });

  it('escapes LIKE wildcards', () => {
    expect(escapeLike('50%_off\\')).toBe('50\\%\\_off\\\\');
  });

  it('round-trips cursors and rejects malformed ones', () => {
    const c = { date: '2026-01-02T03:04:05.123456Z', id: 42 };
    expect(decodeCursor(encodeCursor(c))).toEqual(c);
    for (const bad of [
      '',
      '42',
      '2026-01-02T03:04:05.123Z_42',
      '2026-01-02T03:04:05.123456Z_0',
      '2026-01-02T03:04:05.123456Z_-1',
      "x' OR 1=1",
      '2026-01-02T03:04:05.123456Z_99999999999999999',
    ]) {
      expect(decodeCursor(bad), bad).toBeNull();
    }
  });
});

describe('searchCustomers', () => {
  interface Row {
    id: number;
    name: string;
    phone: string | null;
    email: string | null;
  }
  let all: Row[];
  beforeAll(async () => {
    all = await s.db.selectFrom('customers').select(['id', 'name', 'phone', 'email']).execute();
  });

  const bytes = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

  interface Ranked {
    id: number;
    rank: number;
    name: string;
    /** A B-tree match that is never cut by the cap: whole-name prefix, exact email or phone. */
    sure: boolean;
  }

  /** The search's contract, in plain JS over every customer: which match, how they rank, in order. */
  function oracle(q: string): Ranked[] {
    const plan = planCustomerSearch(q);
    if (plan.kind === 'none') return [];
    const ranked = all.flatMap((c): Ranked[] => {
      const name = c.name.toLowerCase();
      const email = c.email ?? '';
      const phone = c.phone ?? '';
      if (plan.kind === 'text') {
        if (!name.includes(plan.text) && !email.includes(plan.text)) return [];
        const rank =
          email === plan.text ? 0 : name.startsWith(plan.text) || email.startsWith(plan.text) ? 1 : name.includes(` ${plan.text}`) ? 2 : 3;
        return [{ id: c.id, rank, name, sure: name.startsWith(plan.text) }];
      }
      if (plan.kind === 'words') {
        if (!plan.words.every((w) => ` ${name}`.includes(` ${w}`))) return [];
        return [{ id: c.id, rank: name.startsWith(plan.text) ? 1 : 2, name, sure: name.startsWith(plan.text) }];
      }
      if (plan.kind === 'email') {
        if (!email.includes(plan.text)) return [];
        return [{ id: c.id, rank: email === plan.text ? 0 : email.startsWith(plan.text) ? 1 : 3, name, sure: email === plan.text }];
      }
      if (plan.kind === 'phone') {
        if (!phone.includes(plan.digits)) return [];
        const exact = plan.e164Prefixes.includes(phone);
        return [{ id: c.id, rank: exact ? 0 : plan.e164Prefixes.some((p) => phone.startsWith(p)) ? 1 : 3, name, sure: exact }];
      }
      return name.startsWith(plan.text) ? [{ id: c.id, rank: 1, name, sure: true }] : [];
    });
    return ranked.sort(byContract);
  }
  const byContract = (a: Ranked, b: Ranked) => a.rank - b.rank || bytes(a.name, b.name) || a.id - b.id;

  async function upcomingCounts(ids: number[]): Promise<Map<number, number>> {
    if (!ids.length) return new Map();
    const { rows } = await sql<{ id: number; n: number }>`
      SELECT c.id, count(a.id)::int AS n FROM customers c
      LEFT JOIN appointments a ON a.customer_id = c.id AND a.date >= ${now} AND a.status <> 'cancelled'
      WHERE c.id IN (${sql.join(ids)}) GROUP BY c.id`.execute(s.db);
    return new Map(rows.map((r) => [r.id, r.n]));
  }

  it('returns the matches the contract defines, best first, with contact details and upcoming counts', async () => {
    const first = all.find((c) => c.phone && c.email)!;
    const national = first.phone!.slice(2);
    const typed = `(${national.slice(0, 3)}) ${national.slice(3, 6)}-${national.slice(6)}`;
    const queries = [
      'son',
      'smi',
      'mar',
      'jen',
      'Kowal',
      'novak',
      "o'b",
      "O'Brien",
      'van d',
      'ronald.c',
      'GMAIL.COM',
      '@hotmail',
      'mi',
      'n',
      'Da',
      'z',
      '972',
      '(972) 530',
      '+1 972',
      '1972',
      typed,
      first.phone!,
      national.slice(-4),
      first.email!,
      first.email!.slice(0, 5),
      first.name,
      'zzzz',
      'qqqqqq',
      'kim warren',
      'warren k',
      'Warren Kimberly',
      'mar will',
      'j smith',
      'smith j',
      first.name.split(' ').reverse().join(' '),
    ];
    const byId = new Map(all.map((c) => [c.id, c]));
    let capped = 0;
    let complete = 0;
    for (const q of queries) {
      const matches = oracle(q);
      for (const limit of [1, 10, 100]) {
        const res = await searchCustomers(s.db, { q, limit, now });
        const ids = res.items.map((r) => r.id);
        const counts = await upcomingCounts(ids);
        expect(res.items, q).toEqual(ids.map((id) => ({ ...byId.get(id)!, upcomingCount: counts.get(id) })));
        const isPrefixPath = planCustomerSearch(q).kind === 'prefix';
        if (isPrefixPath || matches.length <= SEARCH_MATCH_CAP) {
          // Every match was ranked: exactly the contract's first `limit`.
          expect(ids, `${q} (limit ${limit})`).toEqual(matches.slice(0, limit).map((m) => m.id));
          expect(res.hint).toBeNull();
          complete++;
        } else {
          // More matches than the cap: a bounded sample is ranked, and the person is asked to type more.
          expect(res.hint, q).toMatch(/Keep typing/);
          expect(ids.length).toBe(Math.min(limit, matches.length));
          const rankOf = new Map(matches.map((m) => [m.id, m]));
          const got = ids.map((id) => rankOf.get(id));
          expect(got.every(Boolean), `${q}: every result matches`).toBe(true);
          expect(
            [...got].sort((a, b) => byContract(a!, b!)),
            `${q}: in contract order`,
          ).toEqual(got);
          // Sure matches are never cut: none that ranks before the last result is missing.
          const last = got[got.length - 1]!;
          const missing = matches.filter((m) => m.sure && byContract(m, last) < 0 && !ids.includes(m.id));
          expect(missing, `${q}: sure matches before the last result`).toEqual([]);
          capped++;
        }
      }
    }
    expect(capped, 'some queries exceed the cap on this data').toBeGreaterThan(0);
    expect(complete).toBeGreaterThan(0);
    // A name typed in any word order, or with words cut short, finds the person.
    const two = all.find((c) => /^\p{L}{4,} \p{L}{4,}$/u.test(c.name))!;
    const [given, family] = two.name.split(' ') as [string, string];
    for (const q of [`${family} ${given}`, `${family.slice(0, 4)} ${given.slice(0, 1)}`, `${given.slice(0, 3)} ${family}`]) {
      const res = await searchCustomers(s.db, { q, limit: 100, now });
      if (!res.hint)
        expect(
          res.items.map((r) => r.id),
          q,
        ).toContain(two.id);
    }
    // The exact phone and email come first, however they are typed.
    for (const q of [first.phone!, typed, first.email!.toUpperCase()]) {
      expect((await searchCustomers(s.db, { q, limit: 5, now })).items[0]!.id, q).toBe(first.id);
    }
  });

  it('a name match at the start of a word ranks above one inside a word', async () => {
    const res = await searchCustomers(s.db, { q: 'son', limit: 100, now });
    const firstInfix = res.items.findIndex((c) => !/(^|\s)son/i.test(c.name) && !(c.email ?? '').startsWith('son'));
    const lastWordStart = res.items.map((c) => /(^|\s)son/i.test(c.name)).lastIndexOf(true);
    if (firstInfix >= 0 && lastWordStart >= 0) expect(lastWordStart).toBeLessThan(firstInfix);
  });

  it('answers too-short input with a hint and no query', async () => {
    for (const q of ['31', '%_', '  ', '-.-']) {
      const res = await searchCustomers(s.db, { q, limit: 10, now });
      expect(res.items).toEqual([]);
      expect(res.hint).toEqual(expect.any(String));
      expect(searchCustomersQuery(s.db, { q, limit: 10 })).toBeNull();
    }
  });

  it('"Show more" pages through every match once, in contract order, namesakes included', async () => {
    const namesake = all.find((c) => all.filter((d) => d.name === c.name).length >= 3)!;
    let checked = 0;
    for (const q of ['mar', 'kowal', 'j', 'smi', 'warren k', namesake.name, '@hotmail', '972']) {
      const matches = oracle(q);
      if (planCustomerSearch(q).kind !== 'prefix' && matches.length > SEARCH_MATCH_CAP) continue;
      const ids: number[] = [];
      let cursor = null;
      for (let pages = 0; pages < 400; pages++) {
        const res: Awaited<ReturnType<typeof searchCustomers>> = await searchCustomers(s.db, { q, limit: 7, cursor, now });
        ids.push(...res.items.map((r) => r.id));
        cursor = res.nextCursor;
        if (!cursor || ids.length >= 140) break;
      }
      expect(ids, q).toEqual(matches.slice(0, ids.length).map((m) => m.id));
      expect(ids.length, q).toBe(Math.min(matches.length, ids.length >= 140 ? ids.length : matches.length));
      checked++;
    }
    expect(checked).toBeGreaterThan(4);
  });

  it('uses the trigram, prefix and appointment indexes, never a Seq Scan', async () => {
    const cases: Array<[string, string[]]> = [
      ['kowal', ['customers_name_trgm_idx', 'customers_email_trgm_idx']],
      ['ronald.c', ['customers_name_trgm_idx', 'customers_email_trgm_idx']],
      ['@hotmail', ['customers_email_trgm_idx']],
      ['(972) 530', ['customers_phone_trgm_idx']],
      ['da', ['customers_name_prefix_idx']],
      ['n', ['customers_name_prefix_idx']],
      // Words in any order: the longer words through the name trigrams, whole-name prefix first.
      ['kim warren', ['customers_name_trgm_idx', 'customers_name_prefix_idx']],
      ['warren k', ['customers_name_trgm_idx']],
    ];
    for (const [q, indexes] of cases) {
      const plan = await explain(searchCustomersQuery(s.db, { q, limit: 10, now })!);
      for (const index of indexes) expectPlan(plan, index);
      // The upcoming count is per result row, on the appointments index.
      expectPlan(plan, 'appointments_customer_id_idx');
    }
  });
});
