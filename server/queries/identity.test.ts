import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runMigrations } from '@/db/migrator';
import { planNodes as allNodes, parsePlanDocument, type PlanNode } from '@/db/plan';
import { seedDatabase } from '@/db/seed/index';
import { createScratchDatabase, type ScratchDatabase } from '@/db/testing/database';
import { otpRateLimitCounts, otpRateLimitCountsSql } from './identity';

let s: ScratchDatabase;
let busy: { destination: string; threadId: string; now: Date };

beforeAll(async () => {
  s = await createScratchDatabase('otpq');
  await runMigrations(s.db);
  await seedDatabase(s.db, { rows: 20_000, seed: 3, anchor: new Date('2026-11-01T12:00:00Z') });
  // The destination that was sent the most codes within one hour: where the limit matters.
  const { rows } = await sql<{ destination: string; thread_id: string; at: Date }>`
    SELECT a.destination, a.thread_id, a.created_at + interval '1 minute' AS at
      FROM shared_thread_pending_links a
     ORDER BY (SELECT count(*) FROM shared_thread_pending_links b
                WHERE b.destination = a.destination AND b.created_at BETWEEN a.created_at - interval '1 hour' AND a.created_at) DESC, a.id
     LIMIT 1`.execute(s.db);
  busy = { destination: rows[0]!.destination, threadId: rows[0]!.thread_id, now: rows[0]!.at };
});
afterAll(() => s?.drop());

const planNodes = (plan: unknown): PlanNode[] => allNodes(parsePlanDocument(plan).Plan);

describe('otpRateLimitCounts on seeded data', () => {
  it('equals a direct count of the windows', async () => {
    const got = await otpRateLimitCounts(s.db, busy);
    const { rows } = await sql<{ q: number; h: number; t: number }>`
      SELECT (SELECT count(*) FROM shared_thread_pending_links WHERE destination = ${busy.destination}
                 AND created_at > ${busy.now}::timestamptz - interval '15 minutes' AND created_at <= ${busy.now}::timestamptz)::int AS q,
             (SELECT count(*) FROM shared_thread_pending_links WHERE destination = ${busy.destination}
                 AND created_at > ${busy.now}::timestamptz - interval '1 hour' AND created_at <= ${busy.now}::timestamptz)::int AS h,
             (SELECT count(*) FROM shared_thread_pending_links WHERE thread_id = ${busy.threadId}
                 AND created_at > ${busy.now}::timestamptz - interval '1 hour' AND created_at <= ${busy.now}::timestamptz)::int AS t`.execute(
      s.db,
    );
    // Nothing in the seed is later than `now` for this destination's hour, so "> now - window" is the window.
    expect({ q: got.last15m, h: got.lastHour, t: got.threadLastHour }).toEqual(rows[0]);
    expect(got.lastHour).toBeGreaterThan(1);
    expect(got.now.getTime()).toBe(busy.now.getTime());
    expect(got.oldestHour!.getTime()).toBeLessThanOrEqual(got.oldest15m?.getTime() ?? Infinity);
  });

  it('no destination, no codes: zeros', async () => {
    expect(await otpRateLimitCounts(s.db, { destination: '+19999999999' })).toMatchObject({
      last15m: 0,
      lastHour: 0,
      threadLastHour: 0,
      oldestHour: null,
    });
  });

  it('plans: the rate-limit index for the destination, 0009 for the thread, no Seq Scan', async () => {
    const { rows } = await sql<{ 'QUERY PLAN': unknown }>`EXPLAIN (FORMAT JSON) ${otpRateLimitCountsSql(busy)}`.execute(s.db);
    const nodes = planNodes(rows[0]!['QUERY PLAN']);
    const indexes = nodes.map((n) => n['Index Name']).filter(Boolean);
    expect(indexes).toContain('shared_thread_pending_links_rate_limit_idx');
    expect(indexes).toContain('shared_thread_pending_links_thread_created_idx');
    expect(nodes.filter((n) => n['Node Type'] === 'Seq Scan')).toEqual([]);
  });
});
