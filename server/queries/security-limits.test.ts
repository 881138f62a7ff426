import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runMigrations } from '@/db/migrator';
import { createScratchDatabase, type ScratchDatabase } from '@/db/testing/database';
import { clearLimitEvents, limitCounts, limitCountsSql, recordLimitEvents } from './security-limits';

let s: ScratchDatabase;
beforeAll(async () => {
  s = await createScratchDatabase('seclimits');
  await runMigrations(s.db);
  // 100,000 events over 2,000 buckets and the last two days, as a busy attack would leave them.
  await sql`INSERT INTO security_limit_events (bucket, at)
            SELECT 'signin:client:10.0.' || (i % 2000), now() - (i % 172800) * interval '1 second'
              FROM generate_series(1, 100000) i`.execute(s.db);
  await sql`ANALYZE security_limit_events`.execute(s.db);
});
afterAll(() => s?.drop());

function planNodes(plan: unknown): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  const walk = (n: any) => {
    if (!n || typeof n !== 'object') return;
    if (n['Node Type']) out.push(n);
    for (const c of n.Plans ?? []) walk(c);
    if (n.Plan) walk(n.Plan);
  };
  for (const p of Array.isArray(plan) ? plan : [plan]) walk(p);
  return out;
}

describe('security limit events', () => {
  it('counts each bucket within its own window, with the oldest and newest event', async () => {
    await recordLimitEvents(s.db, ['t:a', 't:a', 't:b']);
    await sql`INSERT INTO security_limit_events (bucket, at) VALUES ('t:a', now() - interval '2 hours')`.execute(s.db);
    const { counts } = await limitCounts(s.db, [
      { bucket: 't:a', windowSeconds: 3600 },
      { bucket: 't:b', windowSeconds: 3600 },
      { bucket: 't:none', windowSeconds: 3600 },
    ]);
    expect(counts.get('t:a')!.count).toBe(2);
    expect(counts.get('t:b')!.count).toBe(1);
    expect(counts.get('t:none')).toMatchObject({ count: 0, oldest: null, newest: null });
    const wide = await limitCounts(s.db, [{ bucket: 't:a', windowSeconds: 3 * 3600 }]);
    expect(wide.counts.get('t:a')!.count).toBe(3);
  });

  it('writing a bucket forgets its events older than a day; clearing forgets all', async () => {
    await sql`INSERT INTO security_limit_events (bucket, at) VALUES ('t:c', now() - interval '2 days')`.execute(s.db);
    await recordLimitEvents(s.db, ['t:c']);
    const left = await s.db.selectFrom('security_limit_events').select('at').where('bucket', '=', 't:c').execute();
    expect(left).toHaveLength(1);
    await clearLimitEvents(s.db, ['t:c']);
    expect(await s.db.selectFrom('security_limit_events').select('at').where('bucket', '=', 't:c').execute()).toEqual([]);
  });

  it('plan: one index range scan per bucket on (bucket, at), no Seq Scan of the table', async () => {
    const q = limitCountsSql([
      { bucket: 'signin:client:10.0.7', windowSeconds: 900 },
      { bucket: 'signin:pair:a@example.com|10.0.7', windowSeconds: 3600 },
    ]);
    const { rows } = await sql<{ 'QUERY PLAN': unknown }>`EXPLAIN (FORMAT JSON) ${q}`.execute(s.db);
    const nodes = planNodes(rows[0]!['QUERY PLAN']);
    expect(nodes.map((n) => n['Index Name']).filter(Boolean)).toContain('security_limit_events_bucket_at_idx');
    expect(nodes.filter((n) => n['Node Type'] === 'Seq Scan' && n['Relation Name'] === 'security_limit_events')).toEqual([]);
  });
});
