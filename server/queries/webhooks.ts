import { sql } from 'kysely';
import type { Db } from '@/db/client';
import { WEBHOOK_STATUSES, type WebhookErrorEntry, type WebhookStatus } from '@/db/schema';
import { KNOWN_EVENT_TYPES } from '../webhooks/events';
import { appendError } from '../webhooks/worker';

export interface WebhookStats {
  counts: Record<WebhookStatus, number>;
  /** True when counts.processed is an estimate (a long history: see webhookStats). */
  processedEstimated: boolean;
  /** received_at of the oldest event still waiting (pending or failed): the queue's age. */
  oldestWaitingAt: Date | null;
  /** The earliest next_attempt_at among waiting events; in the past means the workers are behind. */
  nextDueAt: Date | null;
  /** The database's clock, so ages are not skewed by the browser's. */
  now: Date;
}

/** Above this many rows the processed count is estimated rather than counted. */
export const EXACT_PROCESSED_LIMIT = 200_000;

/**
 * Counts per status, each one range of webhook_events_status_id_idx (0008) as an Index Only Scan.
 * Every status but 'processed' stays small however long the history grows; counting 'processed'
 * reads its whole range (measured: 236 ms for 1M rows), so on a long history it is the planner's
 * row estimate (pg_class.reltuples, kept by autovacuum) minus the exact others, and says so.
 * Waiting events are read through the partial webhook_events_processing_idx, which holds only them.
 */
export async function webhookStats(db: Db): Promise<WebhookStats> {
  const small = WEBHOOK_STATUSES.filter((s) => s !== 'processed');
  const { rows } = await sql<{ status: WebhookStatus; n: number }>`
    select s.status, (select count(*) from webhook_events e where e.status = s.status)::int as n
    from unnest(${sql.val(small)}::text[]) as s(status)`.execute(db);
  const counts = Object.fromEntries(WEBHOOK_STATUSES.map((s) => [s, 0])) as Record<WebhookStatus, number>;
  for (const r of rows) counts[r.status] = r.n;

  const { rows: est } = await sql<{ n: number }>`
    select reltuples::float8 as n from pg_class where oid = 'webhook_events'::regclass`.execute(db);
  const estimatedRows = est[0]?.n ?? -1; // -1: never vacuumed or analyzed
  const processedEstimated = estimatedRows >= EXACT_PROCESSED_LIMIT;
  if (processedEstimated) {
    counts.processed = Math.max(0, Math.round(estimatedRows) - small.reduce((sum, s) => sum + counts[s], 0));
  } else {
    const { rows: exact } = await sql<{ n: number }>`
      select count(*)::int as n from webhook_events where status = 'processed'`.execute(db);
    counts.processed = exact[0]!.n;
  }

  const waiting = await db
    .selectFrom('webhook_events')
    .select((eb) => [eb.fn.min('received_at').as('oldestWaitingAt'), eb.fn.min('next_attempt_at').as('nextDueAt'), sql<Date>`now()`.as('now')])
    .where(sql<boolean>`status in ('pending', 'failed')`)
    .executeTakeFirstOrThrow();
  return {
    counts,
    processedEstimated,
    oldestWaitingAt: waiting.oldestWaitingAt ? new Date(waiting.oldestWaitingAt) : null,
    nextDueAt: waiting.nextDueAt ? new Date(waiting.nextDueAt) : null,
    now: waiting.now,
  };
}

export interface ListParams {
  status?: WebhookStatus | null;
  eventType?: string | null;
  limit: number;
  /** id of the last event of the previous page; the next page starts strictly below it. */
  cursor?: number | null;
}

export interface WebhookListItem {
  id: number;
  eventType: string;
  status: WebhookStatus;
  attempts: number;
  receivedAt: Date;
  nextAttemptAt: Date;
  processedAt: Date | null;
  lastError: string | null;
}

/**
 * Newest first, by id (ids follow arrival). With a status: a backward range scan of
 * webhook_events_status_id_idx; without: of the primary key. An event type filters those scans.
 */
export async function listWebhookEvents(db: Db, p: ListParams): Promise<{ events: WebhookListItem[]; nextCursor: number | null }> {
  const rows = await db
    .selectFrom('webhook_events')
    .select([
      'id',
      'event_type as eventType',
      'status',
      'attempts',
      'received_at as receivedAt',
      'next_attempt_at as nextAttemptAt',
      'processed_at as processedAt',
      sql<string | null>`left(last_error, 300)`.as('lastError'),
    ])
    .$if(!!p.status, (qb) => qb.where('status', '=', p.status!))
    .$if(!!p.eventType, (qb) => qb.where('event_type', '=', p.eventType!))
    .$if(p.cursor != null, (qb) => qb.where('id', '<', p.cursor!))
    .orderBy('id', 'desc')
    .limit(p.limit + 1)
    .execute();
  const events = rows.slice(0, p.limit);
  return { events, nextCursor: rows.length > p.limit ? events[events.length - 1]!.id : null };
}

export interface WebhookEventDetail extends WebhookListItem {
  provider: string;
  providerEventId: string;
  payload: unknown;
  errors: WebhookErrorEntry[];
}

/** One event with its payload and error history (primary key lookup). */
export async function webhookEventById(db: Db, id: number): Promise<WebhookEventDetail | null> {
  const row = await db
    .selectFrom('webhook_events')
    .select([
      'id',
      'provider',
      'provider_event_id as providerEventId',
      'event_type as eventType',
      'status',
      'attempts',
      'received_at as receivedAt',
      'next_attempt_at as nextAttemptAt',
      'processed_at as processedAt',
      'last_error as lastError',
      'payload',
      'errors',
    ])
    .where('id', '=', id)
    .executeTakeFirst();
  return row ?? null;
}

/** The types the worker knows, plus any seen among the latest 1,000 events (a primary-key range). */
export async function webhookEventTypes(db: Db): Promise<string[]> {
  const { rows } = await sql<{ event_type: string }>`
    select distinct event_type from (select event_type from webhook_events order by id desc limit 1000) recent`.execute(db);
  return [...new Set([...KNOWN_EVENT_TYPES, ...rows.map((r) => r.event_type)])].sort();
}

export type ReplayResult = { ok: true } | { ok: false; reason: 'not-found' | 'not-replayable'; status?: WebhookStatus };

/**
 * Puts a failed or dead event back in the queue, due now, with a fresh set of attempts. Its error
 * history is kept, with a 'replay' entry saying who replayed it.
 */
export async function replayWebhookEvent(db: Db, id: number, by: string): Promise<ReplayResult> {
  const updated = await db
    .updateTable('webhook_events')
    .set({
      status: 'pending',
      attempts: 0,
      next_attempt_at: sql`now()`,
      errors: appendError('replay', `Replayed by ${by}`),
    })
    .where('id', '=', id)
    .where('status', 'in', ['failed', 'dead'])
    .executeTakeFirst();
  if (updated.numUpdatedRows > 0n) return { ok: true };
  const row = await db.selectFrom('webhook_events').select('status').where('id', '=', id).executeTakeFirst();
  return row ? { ok: false, reason: 'not-replayable', status: row.status } : { ok: false, reason: 'not-found' };
}
