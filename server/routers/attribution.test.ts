import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from '../testing/harness';

let h: Harness;
beforeAll(async () => {
  h = await createHarness('attribution');
});
afterAll(() => h?.drop());

const range = { from: '2026-10-01', to: '2026-10-31' };

describe('attribution.funnel', () => {
  it('is for admins: anonymous UNAUTHORIZED, staff FORBIDDEN', async () => {
    await expect((await h.callerAs('anonymous')).attribution.funnel(range)).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
    await expect((await h.callerAs('staff')).attribution.funnel(range)).rejects.toMatchObject({ code: 'FORBIDDEN' });
    const r = await h.http('staff', 'attribution.funnel', range);
    expect(r.status).toBe(403);
  });

  it('answers an admin, over whole business days', async () => {
    await h.db
      .insertInto('attribution_data')
      .values([
        // 00:30 on Oct 1 in Chicago is 05:30 UTC: inside. 04:30 UTC on Oct 1 is Sept 30 in Chicago: outside.
        {
          visitor_id: '00000000-0000-4000-8000-000000000001',
          source: 'google',
          medium: 'cpc',
          campaign: 'x',
          conversion_event: 'visit',
          occurred_at: '2026-10-01T05:30:00Z',
        },
        {
          visitor_id: '00000000-0000-4000-8000-000000000002',
          source: 'google',
          medium: 'cpc',
          campaign: 'x',
          conversion_event: 'visit',
          occurred_at: '2026-10-01T04:30:00Z',
        },
        // 23:59 on Oct 31 in Chicago (CDT) is 04:59 UTC on Nov 1: inside.
        {
          visitor_id: '00000000-0000-4000-8000-000000000003',
          source: 'direct',
          medium: null,
          campaign: null,
          conversion_event: 'visit',
          occurred_at: '2026-11-01T04:59:00Z',
        },
      ])
      .execute();
    const f = await (await h.callerAs('admin')).attribution.funnel(range);
    expect(f.totals.visitors).toBe(2);
    expect(f.rows.map((r) => [r.source, r.medium, r.campaign, r.visitors])).toEqual(
      [
        ['google', 'cpc', 'x', 1],
        ['direct', null, null, 1],
      ].sort((a, b) => String(a[0]).localeCompare(String(b[0]))),
    );
    expect(f.totals.rates.firstMessage).toBe(0);
    expect(f.totals.rates.identityLinked).toBeNull();
    const http = await h.http('admin', 'attribution.funnel', range);
    expect(http.status).toBe(200);
    expect(http.body.result.from).toBeInstanceOf(Date);
  });

  const hostile: unknown[] = [
    { from: '2026-10-31', to: '2026-10-01' },
    { from: '2025-01-01', to: '2026-10-01' },
    { from: '2026-02-30', to: '2026-03-01' },
    { from: '2026-10-01' },
    { from: '2026-10-01', to: '2026-10-31', extra: true },
    { from: 20261001, to: 20261031 },
    { from: "2026-10-01'; DROP TABLE attribution_data; --", to: '2026-10-31' },
    { from: '2026-10-01T00:00:00Z', to: '2026-10-31' },
    { from: '+275760-09-13', to: '+275760-09-14' },
    null,
    'x'.repeat(5000),
  ];
  it.each(hostile)('%j -> BAD_REQUEST, never 500', async (input) => {
    const r = await h.http('admin', 'attribution.funnel', input);
    expect(r.status).toBe(400);
    expect(r.body.error.code).toBe('BAD_REQUEST');
  });
});
