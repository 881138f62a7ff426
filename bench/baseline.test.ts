import { sql } from 'kysely';
import superjson from 'superjson';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from '@/server/testing/harness';
import { businessTimeZone } from '@/server/env';
import { type BaselineServer, BASELINE_PROCEDURES, startBaselineServer } from './baseline';
import { trpcPath } from './http';
import { seedAt } from './seed';

/**
 * The bench's bare baseline must answer what the procedure answers, or the app/baseline ratio
 * compares different work. Both sides here: the tRPC route (handleTrpc, as `next start` serves it,
 * through PgBouncer) and the baseline's HTTP server (a direct pg pool), same URL, same data.
 */
let h: Harness;
let baseline: BaselineServer;
let threads: string[];
let customers: number[];

beforeAll(async () => {
  h = await createHarness('bench_baseline');
  await seedAt(h.db, 2_000, new Date(Math.floor(Date.now() / 3_600_000) * 3_600_000), () => {});
  // Threads and customers of every size: the smallest, the largest, and one in between.
  const t = await sql<{
    id: string;
  }>`select thread_id as id from shared_thread_messages group by thread_id order by count(*), thread_id`.execute(h.db);
  threads = [t.rows[0]!.id, t.rows[Math.floor(t.rows.length / 2)]!.id, t.rows.at(-1)!.id];
  const c = await sql<{
    id: number;
  }>`select customer_id as id from appointments group by customer_id order by count(*), customer_id`.execute(h.db);
  customers = [c.rows[0]!.id, c.rows[Math.floor(c.rows.length / 2)]!.id, c.rows.at(-1)!.id].map(Number);
  baseline = await startBaselineServer(h.db, { port: 0, timeZone: businessTimeZone() });
}, 120_000);
afterAll(async () => {
  await baseline?.close();
  await h?.drop();
});

/** What a browser's JSON.parse sees from the app (superjson decoded, then as JSON), to compare with the baseline's JSON. */
async function both(procedure: string, input: unknown) {
  const app = await h.http('admin', procedure, input);
  expect(app.status, `${procedure} app`).toBe(200);
  const res = await fetch(baseline.url + trpcPath(procedure, input));
  expect(res.status, `${procedure} baseline`).toBe(200);
  return { app: JSON.parse(JSON.stringify(app.body.result)), bare: await res.json() };
}

describe('the bare baseline answers the same rows as the procedure', () => {
  it('covers the three procedures of issue 23', () => {
    expect(BASELINE_PROCEDURES.sort()).toEqual(['analytics.costByService', 'bookings.byCustomer', 'conversations.history']);
  });

  it('conversations.history: the newest 50 messages of small and large threads', async () => {
    for (const threadId of threads) {
      const { app, bare } = await both('conversations.history', { threadId, limit: 50 });
      expect(bare.messages.length).toBeGreaterThan(0);
      expect(bare).toEqual(app);
    }
  });

  it('bookings.byCustomer: the past tab of customers with few and many bookings', async () => {
    for (const customerId of customers) {
      const { app, bare } = await both('bookings.byCustomer', { customerId, tab: 'past', limit: 25 });
      expect(bare).toEqual(app);
    }
    const { bare } = await both('bookings.byCustomer', { customerId: customers.at(-1)!, tab: 'past', limit: 25 });
    expect(bare.items.length).toBeGreaterThan(0);
  });

  it('analytics.costByService: 30 days', async () => {
    const { app, bare } = await both('analytics.costByService', { days: 30 });
    // "As of" is each call's own clock: a moment apart, the same business day.
    expect(Math.abs(Date.parse(bare.asOf) - Date.parse(app.asOf))).toBeLessThan(60_000);
    expect({ ...bare, asOf: null }).toEqual({ ...app, asOf: null });
    expect(bare.dailyTotals.some((v: number) => v > 0)).toBe(true);
  });

  it('answers 404 for an unknown thread and a procedure it does not serve', async () => {
    const gone = await fetch(
      baseline.url + trpcPath('conversations.history', { threadId: '00000000-0000-0000-0000-000000000000', limit: 50 }),
    );
    expect(gone.status).toBe(404);
    expect((await fetch(`${baseline.url}/api/trpc/session.me`)).status).toBe(404);
  });

  it('reads its input as the tRPC route does (superjson in the query string)', () => {
    expect(trpcPath('analytics.costByService', { days: 30 })).toBe(
      `/api/trpc/analytics.costByService?input=${encodeURIComponent(JSON.stringify(superjson.serialize({ days: 30 })))}`,
    );
  });
});
