import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runMigrations } from '@/db/migrator';
import { createScratchDatabase, type ScratchDatabase } from '@/db/testing/database';
import { listQuery, listWebhookEvents } from './webhooks';

let s: ScratchDatabase;
beforeAll(async () => {
  s = await createScratchDatabase('webhook_search');
  await runMigrations(s.db);
  // 50,000 events in the payload shapes events.ts reads: a job (with its customer nested or by
  // id, at the top level or under "data") or a customer alone.
  await sql`
    insert into webhook_events (provider_event_id, event_type, payload, status, received_at)
    select 'evt_' || g, 'job.updated',
           case g % 4
             when 0 then jsonb_build_object('event', 'job.updated', 'job', jsonb_build_object('id', 'job_' || g, 'customer', jsonb_build_object('id', 'cus_' || (g % 5000))))
             when 1 then jsonb_build_object('event', 'job.updated', 'job', jsonb_build_object('id', 'job_' || g, 'customer_id', 'cus_' || (g % 5000)))
             when 2 then jsonb_build_object('event', 'job.updated', 'data', jsonb_build_object('job', jsonb_build_object('id', 'job_' || g)))
             else jsonb_build_object('event', 'customer.updated', 'customer', jsonb_build_object('id', 'cus_' || (g % 5000)))
           end,
           'processed', timestamptz '2026-03-01T00:00:00Z' + g * interval '1 minute'
    from generate_series(1, 50000) g`.execute(s.db);
  await sql`vacuum (analyze) webhook_events`.execute(s.db);
});
afterAll(() => s?.drop());

async function plan(p: Parameters<typeof listQuery>[1]): Promise<string> {
  const rows = await listQuery(s.db, p).explain('json');
  return JSON.stringify(rows[0]!['QUERY PLAN']);
}

describe('search', () => {
  it('finds by provider event id, by a job id inside the payload (top level or under data), and by customer id', async () => {
    const ids = async (search: string) => (await listWebhookEvents(s.db, { search, limit: 50 })).events.map((e) => e.id);
    expect(await ids('evt_123')).toEqual([123]);
    expect(await ids('job_4')).toEqual([4]);
    expect(await ids('job_6')).toEqual([6]); // under "data"
    expect(await ids('job_7')).toEqual([]); // a customer event has no job
    // cus_7: nested customer (g % 4 = 0), customer_id (1) or a customer event (3), every 5,000th g.
    const cus7 = await ids('cus_7');
    expect(cus7.length).toBeGreaterThan(0);
    expect(cus7.every((id) => id % 5000 === 7 && id % 4 !== 2)).toBe(true);
    expect(cus7).toEqual([...cus7].sort((a, b) => b - a));
    expect(await ids('nothing')).toEqual([]);
  });

  it('uses the indexes: the unique key and the payload id indexes, never a sequential scan', async () => {
    const p = await plan({ search: 'job_4', limit: 50 });
    expect(p).toContain('webhook_events_job_id_idx');
    expect(p).toContain('webhook_events_customer_id_idx');
    expect(p).toContain('webhook_events_provider_provider_event_id_key');
    expect(p).not.toContain('Seq Scan');
  });

  it('filters by a received range, through the received_at index', async () => {
    const from = new Date('2026-03-10T00:00:00Z');
    const to = new Date('2026-03-10T00:09:00Z');
    const { events } = await listWebhookEvents(s.db, { from, to, limit: 50 });
    expect(events).toHaveLength(10);
    expect(events.every((e) => e.receivedAt >= from && e.receivedAt <= to)).toBe(true);
    const p = await plan({ from, to, limit: 50 });
    expect(p).toContain('webhook_events_received_at_idx');
    expect(p).not.toContain('Seq Scan');
  });
});
