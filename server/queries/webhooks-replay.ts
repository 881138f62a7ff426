import { type ExpressionBuilder, sql } from 'kysely';
import type { Db } from '@/db/client';
import type { Database } from '@/db/schema';
import type { BulkFilter, ReplayJobStatus, WebhookStatus } from '@/lib/contract/webhooks';
import { appendError } from '../webhooks/worker';

export type ReplayResult = { ok: true } | { ok: false; reason: 'not-found' | 'not-replayable'; status?: WebhookStatus };

/**
 * Puts a failed or dead event back in the queue, due now, with a fresh set of attempts. Its error
 * history is kept, with a 'replay' entry saying who replayed it; replayed_at keeps a running bulk
 * replay from queueing it a second time.
 */
export async function replayWebhookEvent(db: Db, id: number, by: string): Promise<ReplayResult> {
  const updated = await db
    .updateTable('webhook_events')
    .set({
      status: 'pending',
      attempts: 0,
      next_attempt_at: sql`now()`,
      replayed_at: sql`now()`,
      errors: appendError('replay', `Replayed by ${by}`),
    })
    .where('id', '=', id)
    .where('status', 'in', ['failed', 'dead'])
    .executeTakeFirst();
  if (updated.numUpdatedRows > 0n) return { ok: true };
  const row = await db.selectFrom('webhook_events').select('status').where('id', '=', id).executeTakeFirst();
  return row ? { ok: false, reason: 'not-replayable', status: row.status } : { ok: false, reason: 'not-found' };
}

/** `%`, `_` and `\` in the admin's text are literal, not patterns. */
const likeContains = (text: string) => `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/** The filter of a bulk replay as a WHERE; the dry run and every batch use this one function. */
function matches(f: BulkFilter) {
  return (eb: ExpressionBuilder<Database, 'webhook_events'>) =>
    eb.and([
      eb('webhook_events.status', 'in', f.statuses),
      ...(f.eventType ? [eb('webhook_events.event_type', '=', f.eventType)] : []),
      ...(f.errorContains ? [eb('webhook_events.last_error', 'ilike', likeContains(f.errorContains))] : []),
      ...(f.from ? [eb('webhook_events.received_at', '>=', f.from)] : []),
      ...(f.to ? [eb('webhook_events.received_at', '<=', f.to)] : []),
    ]);
}

/**
 * How many events a bulk replay with this filter would queue, and the newest of them: the
 * confirmed run stops there, so it changes exactly the rows counted here (less any replayed one by
 * one meanwhile). Failed and dead events are few (webhook_events_status_id_idx ranges).
 */
export async function dryRunBulkReplay(db: Db, filter: BulkFilter): Promise<{ count: number; upToId: number }> {
  const row = await db
    .selectFrom('webhook_events')
    .select((eb) => [sql<number>`count(*)::int`.as('count'), eb.fn.max('id').as('upToId')])
    .where(matches(filter))
    .executeTakeFirstOrThrow();
  return { count: row.count, upToId: Number(row.upToId ?? 0) };
}

export interface ReplayJob {
  id: number;
  createdBy: string;
  createdAt: Date;
  filter: BulkFilter;
  expected: number;
  queued: number;
  status: ReplayJobStatus;
  finishedAt: Date | null;
  cancelledBy: string | null;
  error: string | null;
}

const JOB_COLUMNS = [
  'id',
  'created_by as createdBy',
  'created_at as createdAt',
  'filter',
  'expected',
  'queued',
  'status',
  'finished_at as finishedAt',
  'cancelled_by as cancelledBy',
  'error',
] as const;

/** Filters travel as JSON: dates come back as ISO strings. */
function reviveJob(row: Omit<ReplayJob, 'filter'> & { filter: unknown }): ReplayJob {
  const f = row.filter as Record<string, unknown>;
  const date = (v: unknown) => (typeof v === 'string' ? new Date(v) : null);
  return { ...row, filter: { ...(f as BulkFilter), from: date(f.from), to: date(f.to) } };
}

/** Records a confirmed bulk replay (the audit row) in state 'running'; driveBulkReplay queues it. */
export async function startBulkReplay(db: Db, p: { filter: BulkFilter; upToId: number; expected: number; by: string }): Promise<ReplayJob> {
  const row = await db
    .insertInto('webhook_replay_jobs')
    .values({ created_by: p.by, filter: JSON.stringify(p.filter), up_to_id: p.upToId, expected: p.expected })
    .returning(JOB_COLUMNS)
    .executeTakeFirstOrThrow();
  return reviveJob(row);
}

export interface BatchOptions {
  /** Events queued per transaction: each holds its row locks for milliseconds. */
  batchSize?: number;
  /**
   * Replayed events are made due this many ms apart (100 a second by default), so that deliveries
   * arriving during a large replay take their turn between them instead of queueing behind all.
   */
  spacingMs?: number;
}

/**
 * Queues the next batch of a running job, in one short transaction. The job row is taken with
 * SKIP LOCKED, so two drivers (the request and a worker resuming it) never run one batch twice;
 * the event rows are re-checked after their locks (a worker may have claimed one meanwhile).
 * Returns null when the job is not running (done, cancelled) or another driver holds it.
 */
export async function runBulkReplayBatch(db: Db, jobId: number, o: BatchOptions = {}): Promise<{ queued: number; done: boolean } | null> {
  const batchSize = o.batchSize ?? 1000;
  const spacingMs = o.spacingMs ?? 10;
  return db.transaction().execute(async (trx) => {
    const job = await trx
      .selectFrom('webhook_replay_jobs')
      .select(['id', 'filter', 'up_to_id', 'cursor_id', 'queued', 'created_at', 'created_by'])
      .where('id', '=', jobId)
      .where('status', '=', 'running')
      .forUpdate()
      .skipLocked()
      .executeTakeFirst();
    if (!job) return null;
    const filter = reviveJob({ filter: job.filter } as never).filter;
    const batch = await trx
      .selectFrom('webhook_events')
      .select('id')
      .where(matches(filter))
      .where('id', '>', job.cursor_id)
      .where('id', '<=', job.up_to_id)
      .where((eb) => eb.or([eb('replayed_at', 'is', null), eb('replayed_at', '<', job.created_at)]))
      .orderBy('id')
      .limit(batchSize)
      .forUpdate()
      .execute();
    const ids = batch.map((r) => r.id);
    let queued = 0;
    if (ids.length > 0) {
      const updated = await trx
        .updateTable('webhook_events')
        .set({
          status: 'pending',
          attempts: 0,
          // Spaced by position in the job: see BatchOptions.spacingMs.
          next_attempt_at: sql`now() + make_interval(secs => (${job.queued}::int + array_position(${sql.val(ids)}::bigint[], id)) * ${spacingMs / 1000}::float8)`,
          replayed_at: sql`now()`,
          errors: appendError('replay', `Bulk replay #${job.id} by ${job.created_by}`),
        })
        .where('id', 'in', ids)
        .where(matches(filter))
        .executeTakeFirst();
      queued = Number(updated.numUpdatedRows);
    }
    const done = ids.length < batchSize;
    await trx
      .updateTable('webhook_replay_jobs')
      .set({
        cursor_id: ids.length ? ids[ids.length - 1]! : job.cursor_id,
        queued: sql`queued + ${queued}`,
        heartbeat_at: sql`now()`,
        ...(done ? { status: 'done' as const, finished_at: sql`now()` } : {}),
      })
      .where('id', '=', jobId)
      .execute();
    return { queued, done };
  });
}

/** Runs batches until the job is done, cancelled, or driven by someone else. */
export async function driveBulkReplay(db: Db, jobId: number, o: BatchOptions = {}): Promise<void> {
  for (;;) {
    const r = await runBulkReplayBatch(db, jobId, o);
    if (!r || r.done) return;
  }
}

/** Stops a running job after its current batch; what was queued stays queued. */
export async function cancelBulkReplay(db: Db, jobId: number, by: string): Promise<ReplayJob | null> {
  await db
    .updateTable('webhook_replay_jobs')
    .set({ status: 'cancelled', cancelled_by: by, finished_at: sql`now()` })
    .where('id', '=', jobId)
    .where('status', '=', 'running')
    .execute();
  return replayJobById(db, jobId);
}

export async function replayJobById(db: Db, jobId: number): Promise<ReplayJob | null> {
  const row = await db.selectFrom('webhook_replay_jobs').select(JOB_COLUMNS).where('id', '=', jobId).executeTakeFirst();
  return row ? reviveJob(row) : null;
}

/** The latest bulk replays, newest first: the audit log and the progress of running ones. */
export async function recentReplayJobs(db: Db, limit = 10): Promise<ReplayJob[]> {
  const rows = await db.selectFrom('webhook_replay_jobs').select(JOB_COLUMNS).orderBy('id', 'desc').limit(limit).execute();
  return rows.map(reviveJob);
}

/**
 * Running jobs nobody has advanced for `staleSeconds` (the request that drove them ended): the
 * worker resumes them, so a bulk replay finishes even if the admin closed the tab.
 */
export async function resumeStaleReplayJobs(db: Db, staleSeconds = 30, o: BatchOptions = {}): Promise<number> {
  const stale = await db
    .selectFrom('webhook_replay_jobs')
    .select('id')
    .where('status', '=', 'running')
    .where('heartbeat_at', '<', sql<Date>`now() - make_interval(secs => ${staleSeconds})`)
    .execute();
  for (const { id } of stale) await driveBulkReplay(db, id, o);
  return stale.length;
}
