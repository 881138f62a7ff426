import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppointmentStatus } from '@/db/schema';
import { createHarness, type Harness } from '../testing/harness';

let h: Harness;
let dana: number;
let empty: number;
const DAY = 86_400_000;

beforeAll(async () => {
  h = await createHarness('bookings_router');
  const [a, b] = await h.db
    .insertInto('customers')
    .values([
      { name: 'Dana Whitfield', phone: '+13125550142', email: 'dana@example.com', housecallpro_id: 'cus_dana' },
      { name: 'Eli Nobookings', phone: '+13125550143', email: 'eli@example.com' },
    ])
    .returning('id')
    .execute();
  dana = a!.id;
  empty = b!.id;
  const statuses: AppointmentStatus[] = ['scheduled', 'confirmed', 'completed', 'cancelled', 'no_show', 'in_progress'];
  const now = Date.now();
  // 30 appointments from 60 days ago to 60 days ahead, every status.
  await h.db
    .insertInto('appointments')
    .values(
      Array.from({ length: 30 }, (_, i) => ({
        customer_id: dana,
        date: new Date(now + (i - 15) * 4 * DAY + 3_600_000),
        status: statuses[i % statuses.length]!,
        service_type: 'Drain cleaning',
        amount_cents: 12_345 + i,
      })),
    )
    .execute();
});
afterAll(() => h?.drop());

describe('without a session', () => {
  it('every procedure is UNAUTHORIZED, through the caller and over HTTP', async () => {
    const anon = await h.callerAs('anonymous');
    await expect(anon.bookings.searchCustomers({ q: 'dana' })).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
    await expect(anon.bookings.byCustomer({ customerId: dana })).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
    await expect(anon.bookings.customer({ customerId: dana })).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
    await expect(anon.bookings.tabCounts({ customerId: dana })).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
    for (const [proc, input] of [
      ['bookings.searchCustomers', { q: 'dana' }],
      ['bookings.byCustomer', { customerId: dana }],
      ['bookings.customer', { customerId: dana }],
      ['bookings.tabCounts', { customerId: dana }],
    ] as const) {
      const res = await h.http('anonymous', proc, input);
      expect(res.status, proc).toBe(401);
      expect(res.body.error.code).toBe('UNAUTHORIZED');
    }
  });
});

describe('staff and admin both see bookings', () => {
  it('finds a customer by name, phone in any format, or email', async () => {
    for (const role of ['staff', 'admin'] as const) {
      const caller = await h.callerAs(role);
      for (const q of ['dana', 'Whitf', '(312) 555-0142', '+1 312 555 0142', '3125550142', 'dana@ex', 'DA']) {
        const res = await caller.bookings.searchCustomers({ q });
        expect(
          res.items.map((c) => c.id),
          `${role} ${q}`,
        ).toContain(dana);
        expect(res.items[0]).toEqual({
          id: dana,
          name: 'Dana Whitfield',
          phone: '+13125550142',
          email: 'dana@example.com',
          upcomingCount: expect.any(Number),
        });
      }
    }
  });

  it('explains instead of searching when the text is too short to use an index', async () => {
    const caller = await h.callerAs('staff');
    expect(await caller.bookings.searchCustomers({ q: '31' })).toEqual({
      items: [],
      nextCursor: null,
      hint: expect.stringMatching(/3 digits/),
    });
    expect(await caller.bookings.searchCustomers({ q: '%_' })).toEqual({ items: [], nextCursor: null, hint: expect.any(String) });
  });

  it('pages a search with the cursor it hands out, and refuses a forged one', async () => {
    const caller = await h.callerAs('staff');
    const first = await caller.bookings.searchCustomers({ q: 'example', limit: 1 });
    expect(first.items).toHaveLength(1);
    expect(first.nextCursor).not.toBeNull();
    const second = await caller.bookings.searchCustomers({ q: 'example', limit: 1, cursor: first.nextCursor });
    expect(second.items.map((c) => c.id)).not.toContain(first.items[0]!.id);
    await expect(caller.bookings.searchCustomers({ q: 'e', cursor: { rank: 9, sortName: 'x', id: 1 } as never })).rejects.toMatchObject({
      code: 'BAD_REQUEST',
    });
    await expect(caller.bookings.searchCustomers({ q: 'e', cursor: 'abc' as never })).rejects.toMatchObject({
      code: 'BAD_REQUEST',
      message: expect.stringMatching(/cursor is malformed/),
    });
  });

  it("filters a customer's bookings by technician, list and counts alike; a too-long name is a readable 400", async () => {
    const caller = await h.callerAs('staff');
    await h.db
      .updateTable('appointments')
      .set({ technician: `D'Angelo "Dee" Smith` })
      .where('customer_id', '=', dana)
      .where('status', '=', 'completed')
      .execute();
    const technician = `D'Angelo "Dee" Smith`;
    const counts = await caller.bookings.tabCounts({ customerId: dana, technician });
    const past = await caller.bookings.byCustomer({ customerId: dana, tab: 'past', technician, limit: 100 });
    expect(past.items.length).toBe(counts.past);
    expect(past.items.length).toBeGreaterThan(0);
    expect(past.items.every((a) => a.technician === technician && a.status === 'completed')).toBe(true);
    // Every completed booking of hers, and nothing else, whatever tab its date puts it in.
    const completed = await h.db
      .selectFrom('appointments')
      .select('id')
      .where('customer_id', '=', dana)
      .where('status', '=', 'completed')
      .execute();
    expect(counts.upcoming + counts.past + counts.cancelled).toBe(completed.length);
    expect(counts.cancelled).toBe(0);
    await expect(caller.bookings.byCustomer({ customerId: dana, technician: 'x'.repeat(101) })).rejects.toMatchObject({
      code: 'BAD_REQUEST',
      message: expect.stringMatching(/technician is too long/),
    });
  });

  it('treats LIKE wildcards as literal characters', async () => {
    const caller = await h.callerAs('staff');
    expect((await caller.bookings.searchCustomers({ q: '%%%a' })).items).toEqual([]);
    expect((await caller.bookings.searchCustomers({ q: 'd_na' })).items).toEqual([]);
  });

  it('returns the customer card', async () => {
    const card = await (await h.callerAs('staff')).bookings.customer({ customerId: dana });
    expect(card).toMatchObject({ id: dana, name: 'Dana Whitfield', housecallproId: 'cus_dana', threadCount: 0, latestThreadId: null });
  });

  it('pages through every tab without skipping or repeating, and the counts match', async () => {
    const caller = await h.callerAs('staff');
    const counts = await caller.bookings.tabCounts({ customerId: dana });
    expect(counts.upcoming + counts.past + counts.cancelled).toBe(30);
    for (const tab of ['upcoming', 'past', 'cancelled'] as const) {
      const seen: number[] = [];
      let cursor: string | null = null;
      do {
        const page: { items: { id: number; date: Date; status: string }[]; nextCursor: string | null } = await caller.bookings.byCustomer({
          customerId: dana,
          tab,
          limit: 4,
          cursor,
        });
        seen.push(...page.items.map((r) => r.id));
        for (const r of page.items) {
          if (tab === 'cancelled') expect(r.status).toBe('cancelled');
          else expect(r.status).not.toBe('cancelled');
          if (tab === 'upcoming') expect(r.date.getTime()).toBeGreaterThanOrEqual(Date.now() - 60_000);
          if (tab === 'past') expect(r.date.getTime()).toBeLessThan(Date.now());
        }
        cursor = page.nextCursor;
      } while (cursor);
      expect(new Set(seen).size).toBe(seen.length);
      expect(seen.length).toBe(counts[tab]);
    }
  });

  it('filters by status and by a date range of whole business days', async () => {
    const caller = await h.callerAs('staff');
    const done = await caller.bookings.byCustomer({ customerId: dana, tab: 'past', status: 'completed', limit: 100 });
    expect(done.items.length).toBeGreaterThan(0);
    expect(done.items.every((r) => r.status === 'completed')).toBe(true);
    const all = await caller.bookings.byCustomer({ customerId: dana, tab: 'past', limit: 100 });
    const day = (d: Date) => d.toLocaleDateString('en-CA', { timeZone: process.env.BUSINESS_TIME_ZONE || 'America/Chicago' });
    const target = day(all.items[2]!.date);
    const ranged = await caller.bookings.byCustomer({ customerId: dana, tab: 'past', from: target, to: target, limit: 100 });
    expect(ranged.items.map((r) => r.id)).toEqual(all.items.filter((r) => day(r.date) === target).map((r) => r.id));
  });

  it('an existing customer without appointments gets empty pages, not NOT_FOUND', async () => {
    const caller = await h.callerAs('staff');
    expect(await caller.bookings.byCustomer({ customerId: empty, tab: 'past' })).toEqual({ items: [], nextCursor: null });
    expect(await caller.bookings.tabCounts({ customerId: empty })).toEqual({ upcoming: 0, past: 0, cancelled: 0 });
  });
});

describe('unknown customers are NOT_FOUND', () => {
  it('through the caller and over HTTP (404)', async () => {
    const caller = await h.callerAs('staff');
    const missing = 987_654_321;
    await expect(caller.bookings.customer({ customerId: missing })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(caller.bookings.byCustomer({ customerId: missing })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(caller.bookings.tabCounts({ customerId: missing })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    const res = await h.http('staff', 'bookings.byCustomer', { customerId: missing });
    expect(res.status).toBe(404);
    expect(res.body.error.message).toMatch(/No customer/);
  });
});

describe('hostile input is BAD_REQUEST, never 500', () => {
  const ids: unknown[] = [
    '1 OR 1=1',
    '1; DROP TABLE customers',
    -1,
    0,
    1.5,
    1e30,
    Number.MAX_SAFE_INTEGER + 2,
    '12abc',
    '12',
    [1],
    { id: 1 },
    null,
    true,
  ];
  const cases: Array<[string, unknown]> = [
    ...ids.map((customerId) => ['bookings.byCustomer', { customerId }] as [string, unknown]),
    ...ids.map((customerId) => ['bookings.customer', { customerId }] as [string, unknown]),
    ...ids.map((customerId) => ['bookings.tabCounts', { customerId }] as [string, unknown]),
    ['bookings.byCustomer', { customerId: 1, limit: 0 }],
    ['bookings.byCustomer', { customerId: 1, limit: 101 }],
    ['bookings.byCustomer', { customerId: 1, limit: -5 }],
    ['bookings.byCustomer', { customerId: 1, limit: '10' }],
    ['bookings.byCustomer', { customerId: 1, tab: 'future' }],
    ['bookings.byCustomer', { customerId: 1, tab: ['past'] }],
    ['bookings.byCustomer', { customerId: 1, status: "completed' OR '1'='1" }],
    ['bookings.byCustomer', { customerId: 1, tab: 'upcoming', status: 'cancelled' }],
    ['bookings.byCustomer', { customerId: 1, tab: 'cancelled', status: 'completed' }],
    ['bookings.byCustomer', { customerId: 1, from: '2025-13-01' }],
    ['bookings.byCustomer', { customerId: 1, from: '2025-02-30' }],
    ['bookings.byCustomer', { customerId: 1, from: 'yesterday' }],
    ['bookings.byCustomer', { customerId: 1, from: '2025-03-10', to: '2025-03-01' }],
    ['bookings.byCustomer', { customerId: 1, cursor: 'x'.repeat(10_000) }],
    ['bookings.byCustomer', { customerId: 1, cursor: "2025-01-01T00:00:00.000000Z_1' OR 1=1" }],
    ['bookings.byCustomer', { customerId: 1, cursor: '2025-99-99T99:99:99.000000Z_1' }],
    ['bookings.byCustomer', { customerId: 1, cursor: 12 }],
    ['bookings.byCustomer', { customerId: 1, direction: 'backward' }],
    ['bookings.byCustomer', { customerId: 1, sort: 'id; DROP TABLE appointments' }],
    ['bookings.byCustomer', {}],
    ['bookings.byCustomer', undefined],
    ['bookings.searchCustomers', { q: '' }],
    ['bookings.searchCustomers', { q: '    ' }],
    ['bookings.searchCustomers', { q: 'x'.repeat(101) }],
    ['bookings.searchCustomers', { q: 'x'.repeat(1_000_000) }],
    ['bookings.searchCustomers', { q: ['dana'] }],
    ['bookings.searchCustomers', { q: 42 }],
    ['bookings.searchCustomers', { q: 'dana', limit: 1000 }],
    ['bookings.searchCustomers', { q: 'dana', extra: 1 }],
    ['bookings.customer', { customerId: 1, include: 'password' }],
  ];

  it.each(cases.map(([proc, input]) => [proc, JSON.stringify(input)?.slice(0, 80) ?? 'undefined', input] as const))(
    '%s %s',
    async (proc, _label, input) => {
      // Large inputs go by POST-like GET length limits in real life; the handler itself must still answer 400.
      const res = await h.http('staff', proc, input);
      expect(res.status, JSON.stringify(res.body).slice(0, 300)).toBe(400);
      expect(res.body.error.code).toBe('BAD_REQUEST');
      expect(res.body.error.message.length).toBeGreaterThan(0);
    },
  );

  it('raw, non-superjson query strings are BAD_REQUEST too', async () => {
    for (const raw of ['{"json":{"customerId":"1 OR 1=1"}}', '{"json":{"customerId":1e400}}', 'not json', '{"json":[1,2]}']) {
      const res = await h.http('staff', 'bookings.byCustomer', undefined, { rawInput: raw });
      expect(res.status, raw).toBe(400);
    }
  });

  it('messages say what is wrong in words', async () => {
    const res = await h.http('staff', 'bookings.byCustomer', { customerId: 1, limit: 500 });
    expect(res.body.error.message).toMatch(/limit must be at most 100/);
    const range = await h.http('staff', 'bookings.byCustomer', { customerId: 1, from: '2025-03-10', to: '2025-03-01' });
    expect(range.body.error.message).toMatch(/end date/);
  });
});
