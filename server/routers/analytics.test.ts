import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { businessTimeZone } from '../env';
import { createHarness, type Harness } from '../testing/harness';

let h: Harness;

beforeAll(async () => {
  h = await createHarness('analytics_api');
  // 80 days of usage up to now, a few hundred rows a day, some of them today.
  await sql`
    INSERT INTO api_usage (service, endpoint, units, estimated_cost_cents, created_at)
    SELECT (ARRAY['openai', 'twilio_sms', 'google_maps', 'deepgram'])[1 + (hashint4(i) & 3)], '/x', 1 + i % 9,
           round(((hashint4(i * 7) & 2147483647) % 50000) / 10000.0, 4),
           now() - ((hashint4(i * 13) & 2147483647) % (80 * 86400)) * interval '1 second'
    FROM generate_series(1, 30000) i`.execute(h.db);
});
afterAll(() => h?.drop());

async function sqlTotals(from: string, to: string) {
  const { rows } = await sql<{ cost: number | null; calls: number; units: number | null }>`
    SELECT sum(estimated_cost_cents) AS cost, count(*) AS calls, sum(units)::bigint AS units FROM api_usage
    WHERE created_at >= (${from}::date::timestamp AT TIME ZONE ${businessTimeZone()})
      AND created_at < ((${to}::date + 1)::timestamp AT TIME ZONE ${businessTimeZone()})`.execute(h.db);
  return { costCents: rows[0]!.cost ?? 0, calls: rows[0]!.calls, units: rows[0]!.units ?? 0 };
}

describe('analytics.costByService access', () => {
  it('is UNAUTHORIZED without a session and FORBIDDEN to staff', async () => {
    await expect((await h.callerAs('anonymous')).analytics.costByService({ days: 30 })).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
    await expect((await h.callerAs('staff')).analytics.costByService({ days: 30 })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    expect((await h.http('anonymous', 'analytics.costByService', { days: 30 })).status).toBe(401);
    const staff = await h.http('staff', 'analytics.costByService', { days: 30 });
    expect(staff.status).toBe(403);
    expect(staff.body.error.code).toBe('FORBIDDEN');
  });
});

describe('analytics.costByService input', () => {
  const hostile: Array<[string, unknown]> = [
    ['zero days', { days: 0 }],
    ['366 days', { days: 366 }],
    ['negative', { days: -1 }],
    ['fraction', { days: 1.5 }],
    ['SQL in a string', { days: '30; DROP TABLE api_usage' }],
    ['numeric string', { days: '30' }],
    ['array', { days: [30] }],
    ['object', { days: {} }],
    ['null', { days: null }],
    ['boolean', { days: true }],
    ['huge', { days: 1e308 }],
    ['unsafe integer', { days: Number.MAX_SAFE_INTEGER + 2 }],
    ['NaN', { days: Number.NaN }],
    ['Infinity', { days: Number.POSITIVE_INFINITY }],
    ['huge string', { days: '9'.repeat(100_000) }],
    ['unknown key', { days: 30, timeZone: 'UTC' }],
    ['not an object', 30],
    ['array input', [{ days: 30 }]],
  ];

  it.each(hostile)('%s: BAD_REQUEST with a readable message, never 500', async (_label, input) => {
    const caller = await h.callerAs('admin');
    await expect(caller.analytics.costByService(input as never)).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    // A query is a GET over HTTP (tRPC answers 405 to a POST).
    const res = await h.http('admin', 'analytics.costByService', input);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('BAD_REQUEST');
    expect(res.body.error.message).toMatch(/days|key|object|expected/i);
    expect(res.body.error.message.length).toBeLessThan(500);
  });

  it('malformed JSON on the wire is a 400, and the table is still there afterwards', async () => {
    const res = await h.http('admin', 'analytics.costByService', undefined, { method: 'GET', rawInput: '{"json":{"days":' });
    expect(res.status).toBe(400);
    const { rows } = await sql<{ n: number }>`SELECT count(*) AS n FROM api_usage`.execute(h.db);
    expect(rows[0]!.n).toBe(30000);
  });

  it('defaults to 30 days without input', async () => {
    const r = await (await h.callerAs('admin')).analytics.costByService();
    expect(r.period.days).toBe(30);
    expect(r.days).toHaveLength(30);
  });
});

describe('analytics.costByService results', () => {
  it.each([1, 7, 30, 90, 365])('%i days: totals equal SUM from SQL, per period and per service', async (days) => {
    const res = await h.http('admin', 'analytics.costByService', { days });
    expect(res.status).toBe(200);
    const r = res.body.result;
    expect(r.timeZone).toBe(businessTimeZone());
    expect(r.source).toBe('rollup');
    expect(r.days).toHaveLength(days);
    expect(r.days[0]).toBe(r.period.from);
    expect(r.days.at(-1)).toBe(r.period.to);
    expect(r.asOf).toBeInstanceOf(Date);
    expect(r.total).toEqual(await sqlTotals(r.period.from, r.period.to));
    expect(r.previousTotal).toEqual(await sqlTotals(r.previous.from, r.previous.to));
    for (const s of r.services) expect(s.daily).toHaveLength(days);
  });
});

describe('analytics budgets and alerts', () => {
  const budget = { service: 'openai', monthlyCents: 50_000, warnPercent: 80, alertPercent: 100, spikeMultiplier: 3 };

  it('staff can neither read nor set budgets nor read alerts; anonymous callers neither', async () => {
    for (const role of ['staff', 'anonymous'] as const) {
      const caller = await h.callerAs(role);
      const code = role === 'staff' ? 'FORBIDDEN' : 'UNAUTHORIZED';
      await expect(caller.analytics.budgets()).rejects.toMatchObject({ code });
      await expect(caller.analytics.setBudget(budget)).rejects.toMatchObject({ code });
      await expect(caller.analytics.deleteBudget({ service: 'openai' })).rejects.toMatchObject({ code });
      await expect(caller.analytics.alerts()).rejects.toMatchObject({ code });
      await expect(caller.analytics.activeAlerts()).rejects.toMatchObject({ code });
    }
    const { rows } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM cost_budgets`.execute(h.db);
    expect(rows[0]!.n).toBe(0);
  });

  it('an admin sets, replaces, reads and deletes a budget; a wrong service is NOT_FOUND', async () => {
    const admin = await h.callerAs('admin');
    const set = await admin.analytics.setBudget(budget);
    expect(set).toMatchObject({ ...budget, updatedBy: expect.stringContaining('@') });
    await admin.analytics.setBudget({ ...budget, monthlyCents: 60_000 });
    await admin.analytics.setBudget({ service: '*', monthlyCents: 100_000 });
    const r = await admin.analytics.budgets();
    expect(r.budgets.map((b) => [b.service, b.monthlyCents, b.warnPercent, b.alertPercent])).toEqual([
      ['*', 100_000, 80, 100],
      ['openai', 60_000, 80, 100],
    ]);
    expect(r.budgets.every((b) => Number.isFinite(b.spentCents) && Number.isFinite(b.projectedCents))).toBe(true);
    await expect(admin.analytics.deleteBudget({ service: 'nope' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(await admin.analytics.deleteBudget({ service: 'openai' })).toEqual({ service: 'openai' });
    await expect(admin.analytics.deleteBudget({ service: 'openai' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(await admin.analytics.alerts({ limit: 10 })).toEqual([]);
  });

  const bad: Array<[string, unknown]> = [
    ['no amount', { service: 'openai' }],
    ['negative amount', { ...budget, monthlyCents: -1 }],
    ['fractional cents', { ...budget, monthlyCents: 10.5 }],
    ['amount as text', { ...budget, monthlyCents: '500' }],
    ['warning above alert', { ...budget, warnPercent: 100, alertPercent: 90 }],
    ['spike multiplier 1', { ...budget, spikeMultiplier: 1 }],
    ['empty service', { ...budget, service: '  ' }],
    ['long service', { ...budget, service: 'x'.repeat(65) }],
    ['unknown key', { ...budget, email: 'x@example.com' }],
  ];
  it.each(bad)('setBudget with %s: BAD_REQUEST with a readable message, never 500', async (_label, input) => {
    const res = await h.http('admin', 'analytics.setBudget', input, { method: 'POST' });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('BAD_REQUEST');
    expect(res.body.error.message.length).toBeLessThan(500);
    expect(res.body.error.message).toMatch(/service|cents|percent|spike|key|expected/i);
  });
});

describe('analytics cost per conversation and customer', () => {
  it('admin only; a wrong id is NOT_FOUND, a malformed one BAD_REQUEST', async () => {
    const staff = await h.callerAs('staff');
    await expect(staff.analytics.topSpenders()).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(staff.analytics.customerCost({ customerId: 1 })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(staff.analytics.threadCost({ threadId: '00000000-0000-4000-8000-000000000000' })).rejects.toMatchObject({
      code: 'FORBIDDEN',
    });
    const admin = await h.callerAs('admin');
    await expect(admin.analytics.customerCost({ customerId: 987_654 })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(admin.analytics.threadCost({ threadId: '00000000-0000-4000-8000-000000000000' })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    await expect(admin.analytics.threadCost({ threadId: 'not-a-uuid' })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    await expect(admin.analytics.customerCost({ customerId: -1 })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    const top = await admin.analytics.topSpenders({ days: 30, limit: 5 });
    expect(top.period.days).toBe(30);
    expect(top.totalCents).toEqual((await sqlTotals(top.period.from, top.period.to)).costCents);
  });
});
