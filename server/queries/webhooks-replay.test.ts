import { sql } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createDb, type Db } from '@/db/client';
import { runMigrations } from '@/db/migrator';
import { createScratchDatabase, type ScratchDatabase } from '@/db/testing/database';
import type { BulkFilter } from '@/lib/contract/webhooks';
import { receiveWebhook } from '../webhooks/receive';
import { SIGNATURE_HEADER, signPayload, TIMESTAMP_HEADER } from '../webhooks/signature';
import { drain } from '../webhooks/worker';
import {
  cancelBulkReplay,
  driveBulkReplay,
  dryRunBulkReplay,
  replayJobById,
  replayWebhookEvent,
  runBulkReplayBatch,
  startBulkReplay,
} from './webhooks-replay';

let s: ScratchDatabase;
beforeAll(async () => {
  s = await createScratchDatabase('webhook_replay');
  await runMigrations(s.db);
  // Test-only: one row per application of an event, written in the event's own transaction.
  await sql`create table applications (event_id bigint not null, worker text not null)`.execute(s.db);
});
afterAll(() => s?.drop());
beforeEach(async () => {
  await sql`truncate webhook_events, webhook_replay_jobs, applications restart identity`.execute(s.db);
});

/** `n` dead events, as an outage leaves them (8 attempts, a database timeout). */
async function deadEvents(n: number, error = 'connect ETIMEDOUT 10.0.0.5:5432', type = 'job.updated') {
  await sql`insert into webhook_events (provider_event_id, event_type, payload, status, attempts, last_error, received_at)
    select 'dead_' || ${error} || ${type} || g, ${type}, '{"event":"job.updated"}', 'dead', 8, ${error}, now() - interval '1 day'
    from generate_series(1, ${n}) g`.execute(s.db);
}

const ALL_DEAD: BulkFilter = { statuses: ['dead'] };
const replayEntries = async () => {
  const { rows } = await sql<{ id: number; n: number }>`
    select id, (select count(*) from jsonb_array_elements(errors) e where e->>'kind' = 'replay')::int as n
    from webhook_events order by id`.execute(s.db);
  return rows;
};

describe('bulk replay', () => {
  it('the dry run counts exactly the rows the confirmed run changes, and no delivery received later', async () => {
    await deadEvents(120);
    await deadEvents(30, 'UnprocessableEventError: job has no id');
    await deadEvents(10, 'connect ETIMEDOUT 10.0.0.5:5432', 'customer.updated');
    const filter: BulkFilter = { statuses: ['dead', 'failed'], eventType: 'job.updated', errorContains: 'ETIMEDOUT' };
    const dry = await dryRunBulkReplay(s.db, filter);
    expect(dry.count).toBe(120);
    // Dead after the dry run: not counted, so not touched.
    await deadEvents(7, 'connect ETIMEDOUT late');
    const job = await startBulkReplay(s.db, { filter, upToId: dry.upToId, expected: dry.count, by: 'admin@example.com' });
    await driveBulkReplay(s.db, job.id, { batchSize: 25, spacingMs: 0 });
    const pending = await s.db.selectFrom('webhook_events').select('provider_event_id').where('status', '=', 'pending').execute();
    expect(pending).toHaveLength(dry.count);
    expect(pending.every((r) => r.provider_event_id.startsWith('dead_connect ETIMEDOUT 10.0.0.5'))).toBe(true);
    expect(await replayJobById(s.db, job.id)).toMatchObject({ status: 'done', expected: 120, queued: 120, createdBy: 'admin@example.com' });
  });

  it('treats % and _ in the error text literally', async () => {
    await deadEvents(3, 'disk 100% full');
    await deadEvents(4, 'disk 1000 full');
    expect((await dryRunBulkReplay(s.db, { statuses: ['dead'], errorContains: '100%' })).count).toBe(3);
    expect((await dryRunBulkReplay(s.db, { statuses: ['dead'], errorContains: 'k_1' })).count).toBe(0);
  });

  it('stops after the current batch when cancelled, keeping what it queued', async () => {
    await deadEvents(50);
    const dry = await dryRunBulkReplay(s.db, ALL_DEAD);
    const job = await startBulkReplay(s.db, { filter: ALL_DEAD, upToId: dry.upToId, expected: dry.count, by: 'a' });
    expect(await runBulkReplayBatch(s.db, job.id, { batchSize: 20 })).toEqual({ queued: 20, done: false });
    expect(await cancelBulkReplay(s.db, job.id, 'b')).toMatchObject({ status: 'cancelled', cancelledBy: 'b', queued: 20 });
    expect(await runBulkReplayBatch(s.db, job.id, { batchSize: 20 })).toBeNull();
    expect((await dryRunBulkReplay(s.db, ALL_DEAD)).count).toBe(30);
  });

  it('a single replay during a running bulk replay is not doubled', async () => {
    await deadEvents(40);
    const dry = await dryRunBulkReplay(s.db, ALL_DEAD);
    const job = await startBulkReplay(s.db, { filter: ALL_DEAD, upToId: dry.upToId, expected: dry.count, by: 'bulk' });
    await runBulkReplayBatch(s.db, job.id, { batchSize: 10, spacingMs: 0 });
    // An admin replays #30 by hand; a worker takes it and it dies again before the bulk run gets there.
    expect(await replayWebhookEvent(s.db, 30, 'single')).toEqual({ ok: true });
    await sql`update webhook_events set status = 'dead', attempts = 1 where id = 30`.execute(s.db);
    await driveBulkReplay(s.db, job.id, { batchSize: 10, spacingMs: 0 });
    const entries = await replayEntries();
    expect(entries.every((e) => e.n === 1)).toBe(true);
    expect((await replayJobById(s.db, job.id))!.queued).toBe(39);
    expect((await s.db.selectFrom('webhook_events').select('status').where('id', '=', 30).executeTakeFirstOrThrow()).status).toBe('dead');
  });

  it('two drivers of one job (the request and a resuming worker) queue each event once', async () => {
    await deadEvents(300);
    const dry = await dryRunBulkReplay(s.db, ALL_DEAD);
    const job = await startBulkReplay(s.db, { filter: ALL_DEAD, upToId: dry.upToId, expected: dry.count, by: 'a' });
    const other = createDb(s.url, { max: 1 });
    try {
      // Each returns as soon as the other holds the job; keep going until it is done.
      for (let round = 0; round < 100 && (await replayJobById(s.db, job.id))!.status === 'running'; round++) {
        await Promise.all([driveBulkReplay(s.db, job.id, { batchSize: 7 }), driveBulkReplay(other, job.id, { batchSize: 7 })]);
      }
    } finally {
      await other.destroy();
    }
    expect((await replayEntries()).every((e) => e.n === 1)).toBe(true);
    expect(await replayJobById(s.db, job.id)).toMatchObject({ status: 'done', queued: 300 });
  });

  it('two workers process each bulk-replayed event exactly once', async () => {
    await deadEvents(600);
    const dry = await dryRunBulkReplay(s.db, ALL_DEAD);
    const job = await startBulkReplay(s.db, { filter: ALL_DEAD, upToId: dry.upToId, expected: dry.count, by: 'a' });
    const dbs: Db[] = [createDb(s.url, { max: 2 }), createDb(s.url, { max: 2 })];
    try {
      // Workers start while the replay is still queueing.
      const replaying = driveBulkReplay(s.db, job.id, { batchSize: 100, spacingMs: 0 });
      const results = await Promise.all(
        dbs.map(async (db, w) => {
          await replaying;
          return drain(db, {
            batchSize: 10,
            handler: async (trx, event) => void (await sql`insert into applications values (${event.id}, ${`w${w}`})`.execute(trx)),
          });
        }),
      );
      expect(results[0]!.processed + results[1]!.processed).toBe(600);
      expect(results.every((r) => r.lost === 0 && r.failed === 0)).toBe(true);
    } finally {
      await Promise.all(dbs.map((db) => db.destroy()));
    }
    const { rows } = await sql<{ applications: number; distinct_events: number; processed: number }>`
      select (select count(*) from applications)::int as applications,
             (select count(distinct event_id) from applications)::int as distinct_events,
             (select count(*) from webhook_events where status = 'processed')::int as processed`.execute(s.db);
    expect(rows[0]).toEqual({ applications: 600, distinct_events: 600, processed: 600 });
  });

  it('queues 10,000 dead events in under 10 s while deliveries are still accepted within 200 ms', async () => {
    await deadEvents(10_000);
    await sql`vacuum (analyze) webhook_events`.execute(s.db);
    const dry = await dryRunBulkReplay(s.db, ALL_DEAD);
    const job = await startBulkReplay(s.db, { filter: ALL_DEAD, upToId: dry.upToId, expected: dry.count, by: 'a' });
    const receiver = createDb(s.url, { max: 2 });
    const secret = 'whsec-bulk';
    const latencies: number[] = [];
    let running = true;
    const delivering = (async () => {
      for (let i = 0; running; i++) {
        const rawBody = Buffer.from(JSON.stringify({ event: 'job.created', event_id: `live_${i}`, job: { id: `job_${i}` } }));
        const ts = String(Math.floor(Date.now() / 1000));
        const headers = new Headers({ [TIMESTAMP_HEADER]: ts, [SIGNATURE_HEADER]: signPayload(secret, ts, rawBody) });
        const t = performance.now();
        const res = await receiveWebhook(receiver, { headers, rawBody, secret });
        latencies.push(performance.now() - t);
        expect(res.status).toBe(200);
        await new Promise((r) => setTimeout(r, 20));
      }
    })();
    const started = performance.now();
    try {
      await driveBulkReplay(s.db, job.id);
    } finally {
      running = false;
      await delivering;
      await receiver.destroy();
    }
    const seconds = (performance.now() - started) / 1000;
    latencies.sort((a, b) => a - b);
    const max = latencies[latencies.length - 1]!;
    console.log(
      `bulk replay: 10,000 queued in ${seconds.toFixed(2)} s; ${latencies.length} concurrent deliveries, median ${latencies[latencies.length >> 1]!.toFixed(1)} ms, max ${max.toFixed(1)} ms`,
    );
    expect(await replayJobById(s.db, job.id)).toMatchObject({ status: 'done', queued: 10_000 });
    expect(seconds).toBeLessThan(10);
    expect(max).toBeLessThan(200);
  });
});
