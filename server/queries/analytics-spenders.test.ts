import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '@/db/client';
import { loadMigrationFiles, runMigrations } from '@/db/migrator';
import { createScratchDatabase, type ScratchDatabase } from '@/db/testing/database';
import { customerCost, threadCosts, topSpenders } from './analytics-spenders';

const TZ = 'America/Chicago';
const NOW = new Date('2025-11-20T18:00:00Z');
/** The 30 complete days before the 20th, in Chicago. */
const FROM = '2025-10-21T05:00:00Z';
const TO = '2025-11-20T06:00:00Z';

let s: ScratchDatabase;
let db: Db;

beforeAll(async () => {
  s = await createScratchDatabase('spenders');
  db = s.db;
  await runMigrations(db, { files: loadMigrationFiles() });
  await sql`INSERT INTO customers (id, name) SELECT i, 'Customer ' || i FROM generate_series(1, 200) i`.execute(db);
  await sql`INSERT INTO shared_threads (id, customer_id, contact_name)
            SELECT md5('t' || i)::uuid, CASE WHEN i % 5 = 0 THEN NULL ELSE 1 + i % 200 END, 'Contact ' || i
            FROM generate_series(1, 1000) i`.execute(db);
  // 60 days of usage: most rows on a thread, some not (maps, email).
  await sql`INSERT INTO api_usage (service, endpoint, estimated_cost_cents, thread_id, created_at)
            SELECT 'openai', '/x', round(((hashint4(i) & 2147483647) % 90000) / 10000.0, 4),
                   CASE WHEN i % 4 = 0 THEN NULL ELSE md5('t' || (1 + (hashint4(i * 7) & 2147483647) % 1000))::uuid END,
                   ${NOW}::timestamptz - ((hashint4(i * 13) & 2147483647) % (60 * 86400)) * interval '1 second'
            FROM generate_series(1, 60000) i`.execute(db);
  await sql`VACUUM (ANALYZE) api_usage`.execute(db);
});
afterAll(() => s?.drop());

describe('cost per conversation and per customer', () => {
  it('threadCosts equals an independent SQL sum, and reads only those threads through api_usage_thread_cost_idx', async () => {
    const ids = ['t1', 't2', 't3'].map((t) => t).map((_, i) => i + 1);
    const { rows: idRows } = await sql<{ id: string }>`SELECT md5('t' || i)::uuid::text AS id FROM unnest(${ids}::int[]) i`.execute(db);
    const threadIds = [...idRows.map((r) => r.id), '00000000-0000-0000-0000-000000000000'];
    const got = await threadCosts(db, { threadIds, days: 30, timeZone: TZ, now: NOW });
    for (const id of threadIds) {
      const { rows } = await sql<{ c: number | null }>`SELECT sum(estimated_cost_cents) AS c FROM api_usage
        WHERE thread_id = ${id}::uuid AND created_at >= ${FROM} AND created_at < ${TO}`.execute(db);
      expect(got[id]).toBe(rows[0]!.c ?? 0);
    }
    const { rows: plan } = await sql<{ 'QUERY PLAN': string }>`EXPLAIN SELECT thread_id, sum(estimated_cost_cents) FROM api_usage
      WHERE thread_id = ANY(${threadIds}::uuid[]) AND thread_id IS NOT NULL AND created_at >= ${FROM} AND created_at < ${TO} GROUP BY thread_id`.execute(
      db,
    );
    expect(plan.map((r) => r['QUERY PLAN']).join('\n')).toMatch(/Index Only Scan using api_usage_thread_cost_idx/);
  });

  it("customerCost is the sum over the customer's threads; a wrong id is null", async () => {
    const got = await customerCost(db, { customerId: 7, days: 30, timeZone: TZ, now: NOW });
    const { rows } = await sql<{ c: number | null; n: number }>`SELECT
        (SELECT sum(u.estimated_cost_cents) FROM api_usage u WHERE u.created_at >= ${FROM} AND u.created_at < ${TO}
           AND u.thread_id IN (SELECT id FROM shared_threads WHERE customer_id = 7)) AS c,
        (SELECT count(*)::int FROM shared_threads WHERE customer_id = 7) AS n`.execute(db);
    expect(got).toEqual({ customerId: 7, from: '2025-10-21', to: '2025-11-19', costCents: rows[0]!.c ?? 0, threads: rows[0]!.n });
    expect(got!.costCents).toBeGreaterThan(0);
    expect(await customerCost(db, { customerId: 999_999, days: 30, timeZone: TZ, now: NOW })).toBeNull();
  });

  it('topSpenders: the top threads and customers with their share equal independent SQL sums', async () => {
    const r = await topSpenders(db, { days: 30, timeZone: TZ, now: NOW, limit: 5 });
    const { rows: total } = await sql<{
      c: number;
    }>`SELECT sum(estimated_cost_cents) AS c FROM api_usage WHERE created_at >= ${FROM} AND created_at < ${TO}`.execute(db);
    expect(r.totalCents).toBe(total[0]!.c);
    const { rows: customers } = await sql<{ id: string; c: number }>`
      SELECT t.customer_id::text AS id, sum(u.estimated_cost_cents) AS c FROM api_usage u JOIN shared_threads t ON t.id = u.thread_id
      WHERE u.created_at >= ${FROM} AND u.created_at < ${TO} AND t.customer_id IS NOT NULL
      GROUP BY t.customer_id ORDER BY 2 DESC, t.customer_id LIMIT 5`.execute(db);
    expect(r.customers.map((c) => [c.id, c.costCents])).toEqual(customers.map((c) => [c.id, c.c]));
    expect(r.customers[0]!.share).toBeCloseTo(customers[0]!.c / total[0]!.c, 12);
    const { rows: threads } = await sql<{ id: string; c: number }>`
      SELECT thread_id::text AS id, sum(estimated_cost_cents) AS c FROM api_usage
      WHERE created_at >= ${FROM} AND created_at < ${TO} AND thread_id IS NOT NULL GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 5`.execute(db);
    expect(r.threads.map((t) => [t.id, t.costCents])).toEqual(threads.map((t) => [t.id, t.c]));
  });
});
