import { hostname } from 'node:os';
import { type Kysely, type RawBuilder, sql, type Transaction } from 'kysely';
import type { Db } from '@/db/client';
import type { Database, WebhookErrorEntry, WebhookStatus } from '@/db/schema';
import { applyHousecallProEvent } from './apply';
import { UnprocessableEventError } from './events';

/**
 * The webhook queue's worker.
 *
 * Life of an event: 'pending' --claim--> 'processing' --apply+commit--> 'processed'
 *                                         |  error: 'failed' (retry after backoff) ... 'dead' after maxAttempts
 *                                         |  worker died: lease expires -> 'failed' (sweep) -> claimed again
 *
 * Claim: one short statement picks due events through webhook_events_processing_idx with
 * FOR UPDATE SKIP LOCKED (concurrent workers skip each other's rows instead of waiting), marks
 * them 'processing', counts the attempt and sets next_attempt_at to the end of a lease.
 * Apply: one transaction per event re-locks the row, checks it still holds the lease it claimed
 * (status 'processing' and the same attempts value: a fencing token), applies it and marks it
 * 'processed'. Effects and the mark commit together, so an event is applied at most once even if a
 * slow worker's lease expired and another worker claimed the event again: the slow one's fence
 * check then fails and it writes nothing.
 * Crash: a 'processing' row is not in the partial index, so the claim alone would never see it
 * again. sweepExpiredLeases() returns rows whose lease ran out to 'failed' (or 'dead' once out of
 * attempts: an event that kills its worker every time is dead-lettered, not retried forever),
 * finding them through webhook_events_status_id_idx (0008).
 */
export interface WorkerOptions {
  /** Events claimed per round. */
  batchSize?: number;
  /** Attempts before an event is dead-lettered (the first try counts). */
  maxAttempts?: number;
  /** How long a claimed event is reserved; longer than a batch can take. */
  leaseSeconds?: number;
  /** Retry delay after attempt n: min(cap, base * 2^(n-1)), then equal jitter (50-100% of it). */
  backoffBaseSeconds?: number;
  backoffCapSeconds?: number;
  /** The function that applies an event; tests wrap it. Runs inside the event's transaction. */
  handler?: EventHandler;
  log?: (line: string) => void;
}

export interface ClaimedEvent {
  id: number;
  provider: string;
  event_type: string;
  payload: unknown;
  attempts: number;
}

export type EventHandler = (trx: Transaction<Database>, event: ClaimedEvent) => Promise<unknown>;

export const DEFAULTS = {
  batchSize: 20,
  maxAttempts: 8,
  leaseSeconds: 120,
  backoffBaseSeconds: 30,
  backoffCapSeconds: 3600,
} as const;

type Resolved = Required<Omit<WorkerOptions, 'log'>> & { log: (line: string) => void };

function resolve(options: WorkerOptions): Resolved {
  return { ...DEFAULTS, handler: applyHousecallProEvent, log: () => {}, ...options };
}

/** Seconds to wait after failed attempt `attempt`, before jitter (the jitter picks 50-100% of it). */
export function backoffCeilingSeconds(attempt: number, options: WorkerOptions = {}): number {
  const o = resolve(options);
  return Math.min(o.backoffCapSeconds, o.backoffBaseSeconds * 2 ** Math.max(0, attempt - 1));
}

/** The same formula in SQL, so the sweep can compute it per row; random() is PostgreSQL's. */
function backoffSql(o: Resolved): RawBuilder<Date> {
  return sql<Date>`now() + make_interval(secs => least(${o.backoffCapSeconds}::float8, ${o.backoffBaseSeconds}::float8 * power(2, greatest(attempts - 1, 0))) * (0.5 + random() / 2))`;
}

/**
 * webhook_events.errors with one more entry, keeping the last 50 (replays could otherwise grow it
 * forever). `attempt` is the row's attempts value at the time.
 */
export function appendError(kind: WebhookErrorEntry['kind'], message: string): RawBuilder<string> {
  return sql<string>`(case when jsonb_array_length(errors) >= 50 then errors - 0 else errors end)
    || jsonb_build_array(jsonb_build_object('at', now(), 'attempt', attempts, 'kind', ${kind}::text, 'message', ${message}::text))`;
}

/**
 * The claim statement. The status predicate is literal SQL (not parameters) so the planner can
 * match it to the partial index's predicate; ORDER BY (next_attempt_at, id) is the index's order,
 * so the plan is an index scan that stops after `limit` due rows, with no sort.
 */
export function claimQuery(db: Kysely<Database>, limit: number, leaseSeconds: number) {
  return db
    .with('due', (qb) =>
      qb
        .selectFrom('webhook_events')
        .select('id')
        .where(sql<boolean>`status in ('pending', 'failed')`)
        .where('next_attempt_at', '<=', sql<Date>`now()`)
        .orderBy('next_attempt_at')
        .orderBy('id')
        .limit(limit)
        .forUpdate()
        .skipLocked(),
    )
    .updateTable('webhook_events')
    .from('due')
    .set({
      status: 'processing',
      attempts: sql`webhook_events.attempts + 1`,
      next_attempt_at: sql`now() + make_interval(secs => ${leaseSeconds})`,
    })
    .whereRef('webhook_events.id', '=', 'due.id')
    .returning([
      'webhook_events.id',
      'webhook_events.provider',
      'webhook_events.event_type',
      'webhook_events.payload',
      'webhook_events.attempts',
    ]);
}

export async function claimEvents(db: Db, options: WorkerOptions = {}): Promise<ClaimedEvent[]> {
  const o = resolve(options);
  const rows = await claimQuery(db, o.batchSize, o.leaseSeconds).execute();
  return rows.sort((a, b) => a.id - b.id);
}

/** Returns events whose worker vanished (lease expired while 'processing') to the queue. */
export async function sweepExpiredLeases(db: Db, options: WorkerOptions = {}): Promise<number> {
  const o = resolve(options);
  const message = 'Lease expired while processing: the worker stopped or took too long.';
  const result = await db
    .updateTable('webhook_events')
    .set({
      status: sql<WebhookStatus>`case when attempts >= ${o.maxAttempts} then 'dead' else 'failed' end`,
      next_attempt_at: backoffSql(o),
      last_error: message,
      errors: appendError('lease_expired', message),
    })
    .where('id', 'in', (eb) =>
      eb
        .selectFrom('webhook_events')
        .select('id')
        .where('status', '=', 'processing')
        .where('next_attempt_at', '<=', sql<Date>`now()`)
        .limit(100)
        .forUpdate()
        .skipLocked(),
    )
    // Re-checked on the locked row: a worker may have finished it between the subquery and here.
    .where('status', '=', 'processing')
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

export type EventResult = 'processed' | 'failed' | 'dead' | 'lost';

/** Applies one claimed event; on error records it and schedules the retry (or dead-letters). */
export async function processEvent(db: Db, event: ClaimedEvent, options: WorkerOptions = {}): Promise<EventResult> {
  const o = resolve(options);
  try {
    return await db.transaction().execute(async (trx) => {
      const held = await trx
        .selectFrom('webhook_events')
        .select('id')
        .where('id', '=', event.id)
        .where('status', '=', 'processing')
        .where('attempts', '=', event.attempts)
        .forUpdate()
        .executeTakeFirst();
      if (!held) return 'lost' as const;
      await o.handler(trx, event);
      await trx
        .updateTable('webhook_events')
        .set({ status: 'processed', processed_at: sql`now()`, last_error: null })
        .where('id', '=', event.id)
        .execute();
      return 'processed' as const;
    });
  } catch (err) {
    const permanent = err instanceof UnprocessableEventError;
    const message = (err instanceof Error ? `${err.name}: ${err.message}` : String(err)).slice(0, 2000);
    const dead = permanent || event.attempts >= o.maxAttempts;
    const result = await db
      .updateTable('webhook_events')
      .set({
        status: dead ? 'dead' : 'failed',
        next_attempt_at: dead ? sql`now()` : backoffSql(o),
        last_error: message,
        errors: appendError('error', message),
      })
      .where('id', '=', event.id)
      .where('status', '=', 'processing')
      .where('attempts', '=', event.attempts)
      .executeTakeFirst();
    if (result.numUpdatedRows === 0n) return 'lost';
    o.log(`[worker] event ${event.id} (${event.event_type}) attempt ${event.attempts} ${dead ? 'DEAD' : 'failed'}: ${message}`);
    return dead ? 'dead' : 'failed';
  }
}

export interface RoundResult {
  swept: number;
  claimed: number;
  processed: number;
  failed: number;
  dead: number;
  lost: number;
}

/** One round: sweep expired leases, claim a batch, apply each event in turn. */
export async function runOnce(db: Db, options: WorkerOptions = {}): Promise<RoundResult> {
  const swept = await sweepExpiredLeases(db, options);
  const events = await claimEvents(db, options);
  const result: RoundResult = { swept, claimed: events.length, processed: 0, failed: 0, dead: 0, lost: 0 };
  for (const event of events) result[await processEvent(db, event, options)]++;
  return result;
}

/** Rounds until nothing is due (tests, `--once`). Events scheduled for later stay queued. */
export async function drain(db: Db, options: WorkerOptions = {}): Promise<RoundResult> {
  const total: RoundResult = { swept: 0, claimed: 0, processed: 0, failed: 0, dead: 0, lost: 0 };
  for (;;) {
    const r = await runOnce(db, options);
    for (const k of Object.keys(total) as (keyof RoundResult)[]) total[k] += r[k];
    if (r.claimed === 0 && r.swept === 0) return total;
  }
}

/**
 * Runs until `signal` aborts: rounds back to back while events are due, polling every `pollMs`
 * when the queue is empty. A database error is logged and retried after a pause, never fatal.
 * On abort the current batch is finished first (a batch takes milliseconds).
 */
export async function runWorker(db: Db, options: WorkerOptions & { signal: AbortSignal; pollMs?: number }): Promise<void> {
  const { signal, pollMs = 1000, ...rest } = options;
  const o = resolve(rest);
  const id = `${hostname()}:${process.pid}`;
  o.log(`[worker ${id}] started: batch ${o.batchSize}, ${o.maxAttempts} attempts, lease ${o.leaseSeconds} s`);
  let pauseMs = pollMs;
  while (!signal.aborted) {
    try {
      const r = await runOnce(db, rest);
      if (r.claimed + r.swept > 0) {
        o.log(
          `[worker ${id}] claimed ${r.claimed}: ${r.processed} processed, ${r.failed} failed, ${r.dead} dead, ${r.lost} lost; ${r.swept} leases expired`,
        );
      }
      pauseMs = pollMs;
      if (r.claimed > 0) continue;
    } catch (err) {
      o.log(`[worker ${id}] round failed: ${err instanceof Error ? err.message : String(err)}`);
      pauseMs = Math.min(pauseMs * 2, 30_000);
    }
    await sleep(pauseMs, signal);
  }
  o.log(`[worker ${id}] stopped`);
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
  });
}
