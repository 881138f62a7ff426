import { CompiledQuery, sql } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createDb, type Db } from '@/db/client';
import { runMigrations } from '@/db/migrator';
import { parsePlanDocument, planOutline } from '@/db/plan';
import { createScratchDatabase, type ScratchDatabase } from '@/db/testing/database';
import { applyHousecallProEvent } from './apply';
import {
  backoffCeilingSeconds,
  claimEvents,
  claimQuery,
  DEFAULTS,
  drain,
  type EventHandler,
  processEvent,
  runOnce,
  sweepExpiredLeases,
} from './worker';

let s: ScratchDatabase;
beforeAll(async () => {
  s = await createScratchDatabase('webhook_worker');
  await runMigrations(s.db);
  // Test-only side table: one row per application of an event, written in the event's transaction.
  await sql`create table applications (event_id bigint not null, worker text not null)`.execute(s.db);
});
afterAll(() => s?.drop());
beforeEach(async () => {
  await sql`truncate webhook_events, appointments, customers, applications restart identity cascade`.execute(s.db);
});

let seq = 0;
async function enqueue(eventType: string, payload: Record<string, unknown>): Promise<number> {
  const row = await s.db
    .insertInto('webhook_events')
    .values({ provider_event_id: `evt_${++seq}`, event_type: eventType, payload: JSON.stringify({ event: eventType, ...payload }) })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

const customer = (id = 'cus_1', updatedAt = '2026-03-01T09:00:00Z', over: Record<string, unknown> = {}) => ({
  id,
  first_name: 'Ada',
  last_name: 'Lovelace',
  email: `${id}@example.com`,
  mobile_number: '(555) 010-0001'.replace('1', String(id.length)),
  updated_at: updatedAt,
  ...over,
});

const job = (id: string, updatedAt: string, over: Record<string, unknown> = {}) => ({
  job: {
    id,
    customer: customer(),
    work_status: 'scheduled',
    description: 'Water heater flush',
    total_amount: 18_900,
    schedule: { scheduled_start: '2026-03-10T15:00:00Z', scheduled_end: '2026-03-10T16:30:00Z' },
    assigned_employees: [{ first_name: 'Tess', last_name: 'Tech' }],
    updated_at: updatedAt,
    ...over,
  },
});

const eventRow = (id: number) =>
  s.db
    .selectFrom('webhook_events')
    .select(['status', 'attempts', 'last_error', 'errors', 'next_attempt_at'])
    .where('id', '=', id)
    .executeTakeFirstOrThrow();

const appointment = (hcpJobId: string) =>
  s.db
    .selectFrom('appointments')
    .select(['status', 'date', 'duration_minutes', 'service_type', 'technician', 'amount_cents', 'source_updated_at', 'customer_id'])
    .where('housecallpro_job_id', '=', hcpJobId)
    .executeTakeFirst();

describe('applying events', () => {
  it('creates the customer and the appointment of a job, keyed by HousecallPro ids', async () => {
    await enqueue('job.created', job('job_1', '2026-03-01T10:00:00Z'));
    expect(await drain(s.db)).toMatchObject({ claimed: 1, processed: 1 });
    const appt = await appointment('job_1');
    expect(appt).toMatchObject({
      status: 'scheduled',
      duration_minutes: 90,
      service_type: 'Water heater flush',
      technician: 'Tess Tech',
      amount_cents: 18_900,
    });
    expect(appt!.date.toISOString()).toBe('2026-03-10T15:00:00.000Z');
    const c = await s.db.selectFrom('customers').selectAll().executeTakeFirstOrThrow();
    expect(c).toMatchObject({ housecallpro_id: 'cus_1', name: 'Ada Lovelace', email: 'cus_1@example.com', phone: '+15550500001' });
  });

  it('ends in the newest state whatever order job updates arrive in, and replays change nothing', async () => {
    // Delivered newest first, oldest last.
    await enqueue('job.completed', job('job_7', '2026-03-01T12:00:00.000002Z', { work_status: 'complete unrated', total_amount: 25_000 }));
    await enqueue('job.created', job('job_7', '2026-03-01T10:00:00Z'));
    await enqueue('job.updated', job('job_7', '2026-03-01T12:00:00.000001Z', { description: 'Stale description', total_amount: 1 }));
    await enqueue('job.scheduled', job('job_7', '2026-03-01T11:00:00Z', { schedule: { scheduled_start: '2026-03-20T15:00:00Z' } }));
    expect(await drain(s.db)).toMatchObject({ processed: 4, failed: 0 });
    const final = await appointment('job_7');
    expect(final).toMatchObject({ status: 'completed', amount_cents: 25_000, service_type: 'Water heater flush' });
    // Microsecond precision survives (a JS Date would have tied .000001 with .000002).
    const { rows } = await sql<{
      t: string;
    }>`select to_char(source_updated_at at time zone 'UTC', 'HH24:MI:SS.US') as t from appointments`.execute(s.db);
    expect(rows[0]!.t).toBe('12:00:00.000002');

    // The oldest event again (a provider redelivery with a new event id): no change.
    await enqueue('job.created', job('job_7', '2026-03-01T10:00:00Z', { work_status: 'scheduled' }));
    await drain(s.db);
    expect(await appointment('job_7')).toMatchObject({ status: 'completed', amount_cents: 25_000 });
    expect(
      await s.db
        .selectFrom('appointments')
        .select((eb) => eb.fn.countAll().as('n'))
        .executeTakeFirstOrThrow(),
    ).toEqual({ n: 1 });
  });

  it('orders customer updates by the payload updated_at too', async () => {
    await enqueue('customer.updated', { customer: customer('cus_2', '2026-03-01T12:00:00Z', { first_name: 'Newest' }) });
    await enqueue('customer.created', { customer: customer('cus_2', '2026-03-01T08:00:00Z', { first_name: 'Oldest' }) });
    await enqueue('customer.updated', { customer: customer('cus_2', '2026-03-01T10:00:00Z', { first_name: 'Middle' }) });
    await drain(s.db);
    const rows = await s.db.selectFrom('customers').select(['name', 'source_updated_at']).execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]!.name).toBe('Newest Lovelace');
    expect(rows[0]!.source_updated_at!.toISOString()).toBe('2026-03-01T12:00:00.000Z');
  });

  it('links a customer known locally by email instead of creating a second one', async () => {
    await s.db.insertInto('customers').values({ name: 'Ada L.', email: 'cus_3@example.com' }).execute();
    await enqueue('customer.created', { customer: customer('cus_3') });
    await drain(s.db);
    const rows = await s.db.selectFrom('customers').select(['name', 'housecallpro_id']).execute();
    expect(rows).toEqual([{ name: 'Ada Lovelace', housecallpro_id: 'cus_3' }]);
  });

  it('gives a phone shared by two HousecallPro customers to the first only (phone is UNIQUE)', async () => {
    await enqueue('customer.created', { customer: customer('cus_h1', '2026-03-01T09:00:00Z', { mobile_number: '4695550170' }) });
    await enqueue('customer.created', { customer: customer('cus_h2', '2026-03-01T09:00:00Z', { mobile_number: '4695550170' }) });
    expect(await drain(s.db)).toMatchObject({ processed: 2, failed: 0 });
    const rows = await s.db.selectFrom('customers').select(['housecallpro_id', 'phone']).orderBy('id').execute();
    expect(rows).toEqual([
      { housecallpro_id: 'cus_h1', phone: '+14695550170' },
      { housecallpro_id: 'cus_h2', phone: null },
    ]);
  });

  it('retries a job whose customer is not known yet, and applies it once the customer arrives', async () => {
    const id = await enqueue('job.created', job('job_9', '2026-03-01T10:00:00Z', { customer: undefined, customer_id: 'cus_late' }));
    expect(await runOnce(s.db)).toMatchObject({ failed: 1 });
    expect((await eventRow(id)).last_error).toContain('cus_late');
    await enqueue('customer.created', { customer: customer('cus_late') });
    await drain(s.db);
    await sql`update webhook_events set next_attempt_at = now() where id = ${id}`.execute(s.db);
    await drain(s.db);
    expect(await eventRow(id)).toMatchObject({ status: 'processed', attempts: 2 });
    expect(await appointment('job_9')).toBeDefined();
  });

  it('dead-letters a payload it cannot understand at once, and marks unknown event types processed', async () => {
    const bad = await enqueue('job.updated', { job: { id: 'job_x' } });
    const noId = await enqueue('job.updated', { job: { updated_at: '2026-03-01T10:00:00Z', total_amount: -5 } });
    const other = await enqueue('invoice.paid', { invoice: { id: 'inv_1' } });
    await drain(s.db);
    expect(await eventRow(bad)).toMatchObject({
      status: 'dead',
      attempts: 1,
      last_error: 'UnprocessableEventError: Job payload has neither job.updated_at nor created_at: it cannot be ordered.',
    });
    expect((await eventRow(noId)).last_error).toMatch(
      /^UnprocessableEventError: Job payload not understood: job\.id: .*; job\.total_amount: /,
    );
    expect(await eventRow(other)).toMatchObject({ status: 'processed' });
  });
  it('reads a record under `data` and orders by the event created_at when the record has no updated_at', async () => {
    const wrapped = (createdAt: string, status: string) => ({
      id: `evt_${createdAt}`,
      created_at: createdAt,
      data: {
        job: {
          id: 'job_w',
          work_status: status,
          customer: { id: 'cus_w', first_name: 'Wanda', last_name: 'Wrapped', mobile_number: '+14695550100' },
          line_items: [{ name: 'Drain cleaning' }],
          schedule: { scheduled_start: '2026-03-12T14:00:00Z', scheduled_end: '2026-03-12T15:00:00Z' },
        },
      },
    });
    await enqueue('job.completed', wrapped('2026-03-01T12:00:00Z', 'complete rated'));
    await enqueue('job.scheduled', wrapped('2026-03-01T10:00:00Z', 'scheduled'));
    expect(await drain(s.db)).toMatchObject({ processed: 2 });
    expect(await appointment('job_w')).toMatchObject({ status: 'completed', service_type: 'Drain cleaning', duration_minutes: 60 });
  });

  it('dead-letters events of a provider without a handler', async () => {
    const row = await s.db
      .insertInto('webhook_events')
      .values({ provider: 'twilio', provider_event_id: 'SM1', event_type: 'message.status', payload: '{}' })
      .returning('id')
      .executeTakeFirstOrThrow();
    await drain(s.db);
    expect(await eventRow(row.id)).toMatchObject({
      status: 'dead',
      last_error: "UnprocessableEventError: No handler for provider 'twilio'.",
    });
  });
});

describe('retries', () => {
  it('retries a failing handler with exponential backoff and jitter, then dead-letters after maxAttempts', async () => {
    const failing: EventHandler = async () => {
      throw new Error('HousecallPro said no');
    };
    const id = await enqueue('job.updated', job('job_f', '2026-03-01T10:00:00Z'));
    const delays: number[] = [];
    for (let attempt = 1; attempt <= DEFAULTS.maxAttempts; attempt++) {
      const round = await runOnce(s.db, { handler: failing });
      expect(round.claimed).toBe(1);
      const { rows } = await sql<{ status: string; attempts: number; delay: number }>`
        select status, attempts, extract(epoch from next_attempt_at - now())::float8 as delay
        from webhook_events where id = ${id}`.execute(s.db);
      const row = rows[0]!;
      expect(row.attempts).toBe(attempt);
      if (attempt < DEFAULTS.maxAttempts) {
        expect(row.status).toBe('failed');
        const ceiling = backoffCeilingSeconds(attempt);
        expect(row.delay).toBeGreaterThanOrEqual(ceiling / 2 - 1);
        expect(row.delay).toBeLessThanOrEqual(ceiling + 1);
        delays.push(Math.round(row.delay));
        // Not due yet: nothing is claimed.
        expect((await runOnce(s.db, { handler: failing })).claimed).toBe(0);
        // Time passes.
        await sql`update webhook_events set next_attempt_at = now() - interval '1 second' where id = ${id}`.execute(s.db);
      } else {
        expect(row.status).toBe('dead');
      }
    }
    console.log(`retry delays (s) after attempts 1..${DEFAULTS.maxAttempts - 1}: ${delays.join(', ')}`);
    expect((await runOnce(s.db, { handler: failing })).claimed).toBe(0);
    const dead = await eventRow(id);
    expect(dead.errors).toHaveLength(DEFAULTS.maxAttempts);
    expect(dead.errors.map((e) => e.attempt)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(dead.errors.every((e) => e.kind === 'error' && e.message === 'Error: HousecallPro said no')).toBe(true);
    expect(dead.last_error).toBe('Error: HousecallPro said no');
  });

  it('rolls back whatever a failing handler wrote', async () => {
    const id = await enqueue('job.created', job('job_r', '2026-03-01T10:00:00Z'));
    await runOnce(s.db, {
      handler: async (trx, event) => {
        await applyHousecallProEvent(trx, event);
        throw new Error('after the write');
      },
    });
    expect(await eventRow(id)).toMatchObject({ status: 'failed' });
    expect(await appointment('job_r')).toBeUndefined();
  });
});

describe('leases', () => {
  it('returns the events of a crashed worker to the queue once their lease expires', async () => {
    const id = await enqueue('job.created', job('job_c', '2026-03-01T10:00:00Z'));
    const [claimed] = await claimEvents(s.db);
    expect(claimed).toMatchObject({ id, attempts: 1 });
    // The worker dies here. Before the lease ends nothing happens:
    expect(await sweepExpiredLeases(s.db)).toBe(0);
    expect((await runOnce(s.db)).claimed).toBe(0);
    await sql`update webhook_events set next_attempt_at = now() - interval '1 second' where id = ${id}`.execute(s.db);
    expect(await sweepExpiredLeases(s.db)).toBe(1);
    const swept = await eventRow(id);
    expect(swept.status).toBe('failed');
    expect(swept.errors).toMatchObject([{ kind: 'lease_expired', attempt: 1 }]);
    await sql`update webhook_events set next_attempt_at = now() where id = ${id}`.execute(s.db);
    expect(await drain(s.db)).toMatchObject({ processed: 1 });
    expect(await eventRow(id)).toMatchObject({ status: 'processed', attempts: 2 });
  });

  it('a worker whose lease was taken over writes nothing (fencing on the attempt number)', async () => {
    const id = await enqueue('job.created', job('job_s', '2026-03-01T10:00:00Z'));
    const [slow] = await claimEvents(s.db);
    await sql`update webhook_events set next_attempt_at = now() - interval '1 second' where id = ${id}`.execute(s.db);
    await sweepExpiredLeases(s.db);
    await sql`update webhook_events set next_attempt_at = now() where id = ${id}`.execute(s.db);
    const [fast] = await claimEvents(s.db);
    expect(fast!.attempts).toBe(2);
    let applied = 0;
    const counting: EventHandler = async (trx, e) => {
      applied++;
      return applyHousecallProEvent(trx, e);
    };
    expect(await processEvent(s.db, slow!, { handler: counting })).toBe('lost');
    expect(await processEvent(s.db, fast!, { handler: counting })).toBe('processed');
    expect(applied).toBe(1);
  });

  it('dead-letters an event that keeps killing its worker', async () => {
    const id = await enqueue('job.created', job('job_k', '2026-03-01T10:00:00Z'));
    for (let i = 0; i < 3; i++) {
      await sql`update webhook_events set next_attempt_at = now() - interval '1 second' where id = ${id}`.execute(s.db);
      await claimEvents(s.db, { maxAttempts: 3 });
      await sql`update webhook_events set next_attempt_at = now() - interval '1 second' where id = ${id}`.execute(s.db);
      await sweepExpiredLeases(s.db, { maxAttempts: 3 });
    }
    expect(await eventRow(id)).toMatchObject({ status: 'dead', attempts: 3 });
  });
});

describe('two workers', () => {
  it('process each of 1,000 queued events exactly once', async () => {
    // 1,000 events over 250 jobs (4 updates each, shuffled) and their 50 customers, who share
    // phone numbers in pairs (households): both workers race to create customers and to claim a
    // phone, which only one customer may hold.
    const values = [];
    for (let i = 0; i < 1000; i++) {
      const jobNo = i % 250;
      const version = Math.floor(i / 250);
      const payload = {
        event: 'job.updated',
        ...job(`job_${jobNo}`, `2026-03-01T10:0${version}:00Z`, {
          customer: customer(`cus_${jobNo % 50}`, '2026-03-01T09:00:00Z', {
            mobile_number: `+1555010${String(Math.floor((jobNo % 50) / 2)).padStart(4, '0')}`,
          }),
          total_amount: version * 100,
        }),
      };
      values.push({ provider_event_id: `bulk_${i}`, event_type: 'job.updated', payload: JSON.stringify(payload) });
    }
    values.sort(() => Math.random() - 0.5);
    await s.db.insertInto('webhook_events').values(values).execute();

    const dbs: Db[] = [createDb(s.url, { max: 2 }), createDb(s.url, { max: 2 })];
    const started = performance.now();
    try {
      const results = await Promise.all(
        dbs.map((db, w) =>
          drain(db, {
            batchSize: 10,
            log: (line) => console.log(`w${w} ${line}`),
            handler: async (trx, event) => {
              await sql`insert into applications values (${event.id}, ${`w${w}`})`.execute(trx);
              return applyHousecallProEvent(trx, event);
            },
          }),
        ),
      );
      const ms = performance.now() - started;
      console.log(`two workers: ${results.map((r) => r.processed).join(' + ')} events in ${ms.toFixed(0)} ms`);
      expect(results[0]!.processed + results[1]!.processed).toBe(1000);
      expect(results[0]!.processed).toBeGreaterThan(0);
      expect(results[1]!.processed).toBeGreaterThan(0);
      expect(results.every((r) => r.failed === 0 && r.lost === 0 && r.dead === 0)).toBe(true);
    } finally {
      await Promise.all(dbs.map((db) => db.destroy()));
    }
    const { rows } = await sql<{ applications: number; distinct_events: number; processed: number }>`
      select (select count(*) from applications)::int as applications,
             (select count(distinct event_id) from applications)::int as distinct_events,
             (select count(*) from webhook_events where status = 'processed')::int as processed`.execute(s.db);
    expect(rows[0]).toEqual({ applications: 1000, distinct_events: 1000, processed: 1000 });
    // Every job ends at its newest version (03), whichever worker applied what when.
    const appts = await s.db.selectFrom('appointments').select(['amount_cents']).execute();
    expect(appts).toHaveLength(250);
    expect(appts.every((a) => a.amount_cents === 300)).toBe(true);
    const { rows: people } = await sql<{ customers: number; phones: number }>`
      select count(*)::int as customers, count(distinct phone)::int as phones from customers`.execute(s.db);
    expect(people[0]).toEqual({ customers: 50, phones: 25 });
  });
});

describe('claim query plan', () => {
  it('uses webhook_events_processing_idx, no Seq Scan, on a long history with a few due events', async () => {
    await sql`
      insert into webhook_events (provider_event_id, event_type, payload, status, attempts, received_at, next_attempt_at, processed_at)
      select 'hist_' || g, 'job.updated', '{"event":"job.updated"}', case when g % 100 = 0 then 'dead' else 'processed' end, 1,
             now() - make_interval(secs => g), now() - make_interval(secs => g), now() - make_interval(secs => g)
      from generate_series(1, 200000) g`.execute(s.db);
    for (let i = 0; i < 30; i++) await enqueue('job.updated', job(`job_p${i}`, '2026-03-01T10:00:00Z'));
    await sql`vacuum (analyze) webhook_events`.execute(s.db);

    const compiled = claimQuery(s.db, DEFAULTS.batchSize, DEFAULTS.leaseSeconds).compile();
    const { rows } = await s.db.executeQuery<{ 'QUERY PLAN': unknown }>(
      CompiledQuery.raw(`explain (format json) ${compiled.sql}`, [...compiled.parameters]),
    );
    const plan = JSON.stringify(rows[0]!['QUERY PLAN']);
    expect(plan).toContain('"Index Name":"webhook_events_processing_idx"');
    expect(plan).not.toContain('Seq Scan');
    expect(plan).not.toContain('"Node Type":"Sort"');

    // And it is fast: claim (and put back) a batch a few times.
    const times: number[] = [];
    for (let i = 0; i < 20; i++) {
      const started = performance.now();
      await s.db
        .transaction()
        .execute(async (trx) => {
          await claimQuery(trx, DEFAULTS.batchSize, DEFAULTS.leaseSeconds).execute();
          throw new RollbackSignal();
        })
        .catch((e) => {
          if (!(e instanceof RollbackSignal)) throw e;
        });
      times.push(performance.now() - started);
    }
    times.sort((a, b) => a - b);
    console.log(
      `claim of ${DEFAULTS.batchSize} among 200,030 rows: median ${times[10]!.toFixed(2)} ms; plan ${summarise(rows[0]!['QUERY PLAN'])}`,
    );

    // The lease sweep finds 'processing' rows through webhook_events_status_id_idx.
    const sweep = await sql<{ 'QUERY PLAN': unknown }>`explain (format json)
      select id from webhook_events where status = 'processing' and next_attempt_at <= now() limit 100 for update skip locked`.execute(
      s.db,
    );
    const sweepPlan = JSON.stringify(sweep.rows[0]!['QUERY PLAN']);
    expect(sweepPlan).toContain('webhook_events_status_id_idx');
    expect(sweepPlan).not.toContain('Seq Scan');
  });
});

class RollbackSignal extends Error {}

function summarise(plan: unknown): string {
  return planOutline(parsePlanDocument(plan).Plan);
}
