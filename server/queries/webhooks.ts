import { sql } from 'kysely';
import type { Db } from '@/db/client';
import type { WebhookErrorEntry } from '@/db/schema';
import { WEBHOOK_STATUSES, type WebhookStatus } from '@/lib/contract/webhooks';
import { KNOWN_EVENT_TYPES, PROVIDER } from '../webhooks/events';

export interface WebhookStats {
  counts: Record<WebhookStatus, number>;
  /** True when counts.processed is an estimate (a long history: see webhookStats). */
  processedEstimated: boolean;
  /**
   * Since when the longest-waiting due event has been waiting: the smallest next_attempt_at among
   * pending or failed events that are due now. Failed events scheduled for a later retry are not
   * waiting on the workers, so they do not age the queue (they show as "next retry in").
   */
  oldestDueAt: Date | null;
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
    .select((eb) => [eb.fn.min('next_attempt_at').as('nextDueAt'), sql<Date>`now()`.as('now')])
    .where(sql<boolean>`status in ('pending', 'failed')`)
    .executeTakeFirstOrThrow();
  const nextDue = waiting.nextDueAt ? new Date(waiting.nextDueAt) : null;
  return {
    counts,
    processedEstimated,
    // The index is ordered by next_attempt_at: its first entry is the longest-waiting one if it is due.
    oldestDueAt: nextDue && nextDue <= waiting.now ? nextDue : null,
    nextDueAt: waiting.nextDueAt ? new Date(waiting.nextDueAt) : null,
    now: waiting.now,
  };
}

export interface ListParams {
  status?: WebhookStatus | null;
  eventType?: string | null;
  /** A provider event id, or a HousecallPro job or customer id inside the payload: exact match. */
  search?: string | null;
  from?: Date | null;
  to?: Date | null;
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
 * A search is a BitmapOr of three equalities: the (provider, provider_event_id) unique index and
 * the webhooks_recovery migration's webhook_events_job_id_idx / webhook_events_customer_id_idx,
 * whose expressions are the same SQL functions. A date range alone: webhook_events_received_at_idx.
 */
export function listQuery(db: Db, p: ListParams) {
  return db
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
    .$if(!!p.search, (qb) =>
      qb.where((eb) =>
        eb.or([
          eb.and([eb('provider', '=', PROVIDER), eb('provider_event_id', '=', p.search!)]),
          eb(sql<string>`webhook_payload_job_id(payload)`, '=', p.search!),
          eb(sql<string>`webhook_payload_customer_id(payload)`, '=', p.search!),
        ]),
      ),
    )
    .$if(!!p.from, (qb) => qb.where('received_at', '>=', p.from!))
    .$if(!!p.to, (qb) => qb.where('received_at', '<=', p.to!))
    .$if(p.cursor != null, (qb) => qb.where('id', '<', p.cursor!))
    .orderBy('id', 'desc')
    .limit(p.limit + 1);
}

export async function listWebhookEvents(db: Db, p: ListParams): Promise<{ events: WebhookListItem[]; nextCursor: number | null }> {
  const rows = await listQuery(db, p).execute();
  const events = rows.slice(0, p.limit);
  return { events, nextCursor: rows.length > p.limit ? events[events.length - 1]!.id : null };
}

export interface WebhookEventDetail extends WebhookListItem {
  provider: string;
  providerEventId: string;
  payload: unknown;
  /** Oldest first: failed attempts, expired leases and replays (at most the last 50). */
  errors: WebhookErrorEntry[];
  /**
   * Failed attempts (since the last replay) that have no entry in `errors`: events stored before
   * the history existed (0008) keep only last_error. The panel says so instead of "no errors".
   */
  unrecordedFailures: number;
  replayedAt: Date | null;
}

/** Failed attempts since the last replay, by status: a processed event's last attempt succeeded. */
function failedAttempts(status: WebhookStatus, attempts: number): number {
  return status === 'failed' || status === 'dead' ? attempts : Math.max(0, attempts - 1);
}

/** One event with its payload, full last error and history (primary key lookup). */
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
      'replayed_at as replayedAt',
    ])
    .where('id', '=', id)
    .executeTakeFirst();
  if (!row) return null;
  const lastReplay = row.errors.map((e) => e.kind).lastIndexOf('replay');
  const recorded = row.errors.slice(lastReplay + 1).filter((e) => e.kind !== 'replay').length;
  return { ...row, unrecordedFailures: Math.max(0, failedAttempts(row.status, row.attempts) - recorded) };
}

/** The types the worker knows, plus any seen among the latest 1,000 events (a primary-key range). */
export async function webhookEventTypes(db: Db): Promise<string[]> {
  const { rows } = await sql<{ event_type: string }>`
    select distinct event_type from (select event_type from webhook_events order by id desc limit 1000) recent`.execute(db);
  return [...new Set([...KNOWN_EVENT_TYPES, ...rows.map((r) => r.event_type)])].sort();
}
