import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from '../testing/harness';
import { webhookSecretFinding } from '../queries/webhooks-rejections';
import { recordRejection } from '../webhooks/rejections';
import { drain } from '../webhooks/worker';

let h: Harness;
let deadId: number;
let failedId: number;
let processedId: number;

beforeAll(async () => {
  h = await createHarness('webhooks');
  const insert = (id: string, type: string, payload: unknown) =>
    h.db
      .insertInto('webhook_events')
      .values({ provider_event_id: id, event_type: type, payload: JSON.stringify(payload) })
      .returning('id')
      .executeTakeFirstOrThrow();
  const job = {
    event: 'job.scheduled',
    job: {
      id: 'job_r1',
      customer: { id: 'cus_r1', first_name: 'Rita', last_name: 'Replay', updated_at: '2026-03-01T09:00:00Z' },
      schedule: { scheduled_start: '2026-03-05T15:00:00Z' },
      updated_at: '2026-03-01T10:00:00Z',
    },
  };
  processedId = (await insert('evt_ok', 'job.scheduled', job)).id;
  await drain(h.db);
  // Dead: a payload missing its job id.
  deadId = (await insert('evt_dead', 'job.updated', { event: 'job.updated', job: { updated_at: '2026-03-01T10:00:00Z' } })).id;
  // Failed: a job whose customer is not known yet.
  failedId = (
    await insert('evt_failed', 'job.created', {
      event: 'job.created',
      job: {
        id: 'job_r2',
        customer_id: 'cus_unknown',
        schedule: { scheduled_start: '2026-03-06T15:00:00Z' },
        updated_at: '2026-03-01T10:00:00Z',
      },
    })
  ).id;
  await drain(h.db);
});
afterAll(() => h?.drop());

describe('access', () => {
  it('is FORBIDDEN to staff and UNAUTHORIZED to the anonymous, for every procedure', async () => {
    const staff = await h.callerAs('staff');
    const anonymous = await h.callerAs('anonymous');
    const calls = (c: typeof staff) => [
      c.webhooks.stats(),
      c.webhooks.list({}),
      c.webhooks.byId({ id: deadId }),
      c.webhooks.eventTypes(),
      c.webhooks.replay({ id: deadId }),
      c.webhooks.bulkReplayDryRun({ statuses: ['dead'] }),
      c.webhooks.bulkReplayStart({ filter: { statuses: ['dead'] }, upToId: 1e9, expected: 1 }),
      c.webhooks.bulkReplayCancel({ id: 1 }),
      c.webhooks.replayJobs(),
      c.webhooks.rejections({}),
    ];
    for (const p of calls(staff)) await expect(p).rejects.toMatchObject({ code: 'FORBIDDEN' });
    for (const p of calls(anonymous)) await expect(p).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
    expect((await h.db.selectFrom('webhook_events').select('status').where('id', '=', deadId).executeTakeFirstOrThrow()).status).toBe(
      'dead',
    );
  });
});

describe('reading', () => {
  it('counts events by status; a failed event waiting for a later retry does not age the queue', async () => {
    const admin = await h.callerAs('admin');
    const stats = await admin.webhooks.stats();
    expect(stats.counts).toEqual({ pending: 0, processing: 0, processed: 1, failed: 1, dead: 1 });
    expect(stats.processedEstimated).toBe(false);
    expect(stats.oldestDueAt).toBeNull();
    expect(stats.nextDueAt!.getTime()).toBeGreaterThan(stats.now.getTime());
    // Once it is due, the queue's age is how long it has been due.
    await sql`update webhook_events set next_attempt_at = now() - interval '90 seconds' where id = ${failedId}`.execute(h.db);
    const due = await admin.webhooks.stats();
    expect((due.now.getTime() - due.oldestDueAt!.getTime()) / 1000).toBeCloseTo(90, -1);
    await sql`update webhook_events set next_attempt_at = now() + interval '1 hour' where id = ${failedId}`.execute(h.db);
  });

  it('tells how many failed attempts predate the error history, instead of "no errors"', async () => {
    // As stored before the history existed (and as seeded): last_error and attempts, errors empty.
    const { id } = await h.db
      .insertInto('webhook_events')
      .values({
        provider_event_id: 'evt_old',
        event_type: 'job.created',
        payload: '{}',
        status: 'dead',
        attempts: 2,
        last_error: `duplicate key value violates unique constraint "appointments_pkey" ${'x'.repeat(400)} END`,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const admin = await h.callerAs('admin');
    const event = await admin.webhooks.byId({ id });
    expect(event).toMatchObject({ errors: [], unrecordedFailures: 2 });
    // The detail carries the whole error; the list row a 300-character preview.
    expect(event.lastError).toMatch(/ END$/);
    expect((await admin.webhooks.list({ search: 'evt_old' })).events[0]!.lastError!.length).toBe(300);
    expect((await admin.webhooks.byId({ id: failedId })).unrecordedFailures).toBe(0);
    await h.db.deleteFrom('webhook_events').where('id', '=', id).execute();
  });

  it('lists newest first, filters by status and type, and pages by cursor', async () => {
    const admin = await h.callerAs('admin');
    const all = await admin.webhooks.list({});
    expect(all.events.map((e) => e.id)).toEqual([failedId, deadId, processedId]);
    expect((await admin.webhooks.list({ status: 'dead' })).events.map((e) => e.id)).toEqual([deadId]);
    expect((await admin.webhooks.list({ eventType: 'job.scheduled' })).events.map((e) => e.id)).toEqual([processedId]);
    expect((await admin.webhooks.list({ status: 'dead', eventType: 'job.scheduled' })).events).toEqual([]);
    const first = await admin.webhooks.list({ limit: 2 });
    expect(first.events).toHaveLength(2);
    const second = await admin.webhooks.list({ limit: 2, cursor: first.nextCursor });
    expect(second).toMatchObject({ events: [{ id: processedId }], nextCursor: null });
  });

  it('returns an event with its payload and error history', async () => {
    const admin = await h.callerAs('admin');
    const event = await admin.webhooks.byId({ id: failedId });
    expect(event).toMatchObject({ status: 'failed', attempts: 1, eventType: 'job.created', providerEventId: 'evt_failed' });
    expect(event.payload).toMatchObject({ job: { id: 'job_r2' } });
    expect(event.errors).toMatchObject([{ attempt: 1, kind: 'error', message: expect.stringContaining('cus_unknown') }]);
    await expect(admin.webhooks.byId({ id: 999_999 })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(await admin.webhooks.eventTypes()).toEqual(expect.arrayContaining(['job.created', 'customer.updated']));
  });
});

describe('replay', () => {
  it('puts a dead event back in the queue with fresh attempts, keeping its history', async () => {
    const admin = await h.callerAs('admin');
    expect(await admin.webhooks.replay({ id: deadId })).toEqual({ id: deadId, status: 'pending' });
    const event = await admin.webhooks.byId({ id: deadId });
    expect(event).toMatchObject({ status: 'pending', attempts: 0 });
    expect(event.errors.map((e) => e.kind)).toEqual(['error', 'replay']);
    expect(event.errors[1]!.message).toBe('Replayed by admin@example.com');
    // It is due now: the next worker round takes it (and, payload still broken, dead-letters it again).
    expect(await drain(h.db)).toMatchObject({ claimed: 1, dead: 1 });
  });

  it('replays a failed event once its cause is fixed', async () => {
    const admin = await h.callerAs('admin');
    await h.db.insertInto('customers').values({ name: 'Late Customer', housecallpro_id: 'cus_unknown' }).execute();
    await admin.webhooks.replay({ id: failedId });
    expect(await drain(h.db)).toMatchObject({ processed: 1 });
    const appt = await h.db.selectFrom('appointments').select('id').where('housecallpro_job_id', '=', 'job_r2').executeTakeFirst();
    expect(appt).toBeDefined();
  });

  it('refuses to replay a processed event (CONFLICT) or an unknown one (NOT_FOUND)', async () => {
    const admin = await h.callerAs('admin');
    await expect(admin.webhooks.replay({ id: processedId })).rejects.toMatchObject({ code: 'CONFLICT' });
    await expect(admin.webhooks.replay({ id: 424242 })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});

describe('bulk replay', () => {
  it('counts first, then queues exactly what it counted, audited with who and which filter', async () => {
    const insertDead = (n: number, error: string) =>
      sql`insert into webhook_events (provider_event_id, event_type, payload, status, attempts, last_error)
          select 'bulk_dead_' || ${error} || g, 'job.updated', '{}', 'dead', 8, ${error} from generate_series(1, ${n}) g`.execute(h.db);
    await insertDead(30, 'connect ETIMEDOUT 10.0.0.5:5432');
    await insertDead(5, 'UnprocessableEventError: job has no id');
    const admin = await h.callerAs('admin');
    const filter = { statuses: ['dead' as const], errorContains: 'etimedout' };
    const dry = await admin.webhooks.bulkReplayDryRun(filter);
    expect(dry.count).toBe(30);
    // Nothing changed by the dry run.
    expect((await admin.webhooks.stats()).counts.dead).toBeGreaterThanOrEqual(35);

    const job = await admin.webhooks.bulkReplayStart({ filter, upToId: dry.upToId, expected: dry.count });
    expect(job).toMatchObject({
      status: 'done',
      expected: 30,
      queued: 30,
      createdBy: 'admin@example.com',
      filter: { statuses: ['dead'], errorContains: 'etimedout' },
    });
    const changed = await h.db
      .selectFrom('webhook_events')
      .select('id')
      .where('status', '=', 'pending')
      .where('last_error', 'like', 'connect%')
      .execute();
    expect(changed).toHaveLength(dry.count);
    expect((await admin.webhooks.bulkReplayDryRun(filter)).count).toBe(0);
    expect((await admin.webhooks.replayJobs())[0]).toMatchObject({ id: job.id, queued: 30 });
    // Cancelling a finished job changes nothing; an unknown one is NOT_FOUND.
    expect(await admin.webhooks.bulkReplayCancel({ id: job.id })).toMatchObject({ status: 'done', cancelledBy: null });
    await expect(admin.webhooks.bulkReplayCancel({ id: 999_999 })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await h.db.deleteFrom('webhook_events').where('provider_event_id', 'like', 'bulk_dead_%').execute();
  });
});

describe('rejected deliveries', () => {
  it('counts by reason and lists the latest; the Database page finding asks about the secret', async () => {
    expect(await webhookSecretFinding(h.db)).toBeNull();
    for (let i = 0; i < 3; i++) {
      await recordRejection(h.db, {
        reason: 'bad_signature',
        detail: 'Signature does not match.',
        sourceIp: '198.51.100.4',
        rawBody: Buffer.from(`{"n":${i}}`),
        bodyBytes: 7,
      });
    }
    await recordRejection(h.db, {
      reason: 'too_large',
      detail: 'Body larger than 262144 bytes.',
      sourceIp: null,
      rawBody: null,
      bodyBytes: 300_000,
    });
    const admin = await h.callerAs('admin');
    const { counts, latest } = await admin.webhooks.rejections({});
    expect(counts).toEqual([
      { reason: 'bad_signature', lastHour: 3, lastDay: 3 },
      { reason: 'stale_timestamp', lastHour: 0, lastDay: 0 },
      { reason: 'bad_body', lastHour: 0, lastDay: 0 },
      { reason: 'too_large', lastHour: 1, lastDay: 1 },
    ]);
    expect(latest.map((r) => r.reason)).toEqual(['too_large', 'bad_signature', 'bad_signature', 'bad_signature']);
    expect(latest[1]).toMatchObject({ sourceIp: '198.51.100.4', bodySha256: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect((await admin.webhooks.rejections({ reason: 'too_large' })).latest).toHaveLength(1);
    expect(await webhookSecretFinding(h.db)).toMatchObject({
      count: 3,
      title: '3 deliveries rejected for bad signature in the last hour: is the secret right?',
    });
  });
});

describe('hostile input over HTTP', () => {
  it('answers 400 BAD_REQUEST, never 500', async () => {
    const cases: Array<[string, unknown, 'GET' | 'POST']> = [
      ['webhooks.list', { status: 'exploded' }, 'GET'],
      ['webhooks.list', { status: "pending'; drop table webhook_events; --" }, 'GET'],
      ['webhooks.list', { eventType: 'job.created\u0000' }, 'GET'],
      ['webhooks.list', { eventType: 'x'.repeat(101) }, 'GET'],
      ['webhooks.list', { eventType: "' or 1=1 --" }, 'GET'],
      ['webhooks.list', { limit: 0 }, 'GET'],
      ['webhooks.list', { limit: 1e9 }, 'GET'],
      ['webhooks.list', { limit: 2.5 }, 'GET'],
      ['webhooks.list', { cursor: -1 }, 'GET'],
      ['webhooks.list', { cursor: 'abc' }, 'GET'],
      ['webhooks.list', { cursor: 1e300 }, 'GET'],
      ['webhooks.list', { extra: true }, 'GET'],
      ['webhooks.list', [1, 2], 'GET'],
      ['webhooks.byId', { id: '1' }, 'GET'],
      ['webhooks.byId', { id: 0 }, 'GET'],
      ['webhooks.byId', { id: 1.5 }, 'GET'],
      ['webhooks.byId', { id: 2 ** 63 }, 'GET'],
      ['webhooks.byId', {}, 'GET'],
      ['webhooks.byId', null, 'GET'],
      ['webhooks.replay', { id: -5 }, 'POST'],
      ['webhooks.replay', { id: 'all' }, 'POST'],
      ['webhooks.replay', { id: deadId, status: 'processed' }, 'POST'],
      ['webhooks.list', { search: 'x'.repeat(201) }, 'GET'],
      ['webhooks.list', { from: new Date('2026-03-02'), to: new Date('2026-03-01') }, 'GET'],
      ['webhooks.bulkReplayDryRun', { statuses: [] }, 'GET'],
      ['webhooks.bulkReplayDryRun', { statuses: ['processed'] }, 'GET'],
      ['webhooks.bulkReplayDryRun', { statuses: ['dead'], errorContains: 'x'.repeat(201) }, 'GET'],
      ['webhooks.bulkReplayStart', { filter: { statuses: ['dead'] }, upToId: -1, expected: 0 }, 'POST'],
      ['webhooks.bulkReplayStart', { filter: { statuses: ['dead'] } }, 'POST'],
      ['webhooks.bulkReplayCancel', { id: 'all' }, 'POST'],
      ['webhooks.rejections', { reason: 'everything' }, 'GET'],
    ];
    for (const [procedure, input, method] of cases) {
      const res = await h.http('admin', procedure, input, { method });
      expect(res.status, `${procedure} ${JSON.stringify(input)}`).toBe(400);
      expect(res.body.error.code).toBe('BAD_REQUEST');
    }
    // Not JSON at all.
    const garbage = await h.http('admin', 'webhooks.list', undefined, { rawInput: '{not json' });
    expect(garbage.status).toBe(400);
  });

  it('a replay sent as GET is refused, and a query sent as POST too', async () => {
    expect((await h.http('admin', 'webhooks.replay', { id: deadId }, { method: 'GET' })).status).toBe(405);
    expect((await h.http('admin', 'webhooks.stats', undefined, { method: 'POST' })).status).toBe(405);
  });

  it('staff get 403 over HTTP', async () => {
    const res = await h.http('staff', 'webhooks.stats');
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('FORBIDDEN');
  });
});

describe('plans', () => {
  it('list by status and the counts use webhook_events_status_id_idx on a long history', async () => {
    await sql`
      insert into webhook_events (provider_event_id, event_type, payload, status, attempts)
      select 'bulk_' || g, 'job.updated', '{}', case when g % 500 = 0 then 'dead' else 'processed' end, 1
      from generate_series(1, 100000) g`.execute(h.db);
    await sql`vacuum (analyze) webhook_events`.execute(h.db);
    const { rows } = await sql<{ 'QUERY PLAN': unknown }>`explain (format json)
      select id from webhook_events where status = 'dead' order by id desc limit 51`.execute(h.db);
    const plan = JSON.stringify(rows[0]!['QUERY PLAN']);
    expect(plan).toContain('webhook_events_status_id_idx');
    expect(plan).not.toContain('Seq Scan');
    const admin = await h.callerAs('admin');
    const started = performance.now();
    const stats = await admin.webhooks.stats();
    const statsMs = performance.now() - started;
    const t2 = performance.now();
    await admin.webhooks.list({ status: 'dead' });
    const listMs = performance.now() - t2;
    console.log(`on ~100k events: stats ${statsMs.toFixed(1)} ms, dead list ${listMs.toFixed(1)} ms`);
    expect(stats.counts.processed).toBeGreaterThan(99_000);
    expect(stats.processedEstimated).toBe(false);
  });

  it('estimates the processed count on a long history, and counts the rest exactly', async () => {
    await sql`
      insert into webhook_events (provider_event_id, event_type, payload, status, attempts)
      select 'more_' || g, 'job.updated', '{}', 'processed', 1 from generate_series(1, 150000) g`.execute(h.db);
    await sql`vacuum (analyze) webhook_events`.execute(h.db);
    const { rows } = await sql<{
      status: string;
      n: number;
    }>`select status, count(*)::int as n from webhook_events group by status`.execute(h.db);
    const truth = Object.fromEntries(rows.map((r) => [r.status, r.n]));
    const admin = await h.callerAs('admin');
    const started = performance.now();
    const stats = await admin.webhooks.stats();
    console.log(`on ~250k events: stats ${(performance.now() - started).toFixed(1)} ms (processed estimated)`);
    expect(stats.processedEstimated).toBe(true);
    expect(Math.abs(stats.counts.processed - truth.processed!) / truth.processed!).toBeLessThan(0.02);
    expect(stats.counts.dead).toBe(truth.dead);
  });
});
