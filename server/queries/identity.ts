import { type Kysely, sql } from 'kysely';
import type { Db } from '@/db/client';
import type { Database } from '@/db/schema';

/** A Kysely handle or a transaction on one: these functions run inside the OTP transactions. */
type Exec = Kysely<Database>;

export interface OtpRateLimitCounts {
  /** Codes sent to the destination in the last 15 minutes. */
  last15m: number;
  /** Codes sent to the destination in the last hour. */
  lastHour: number;
  /** The oldest code of each window: the window frees a slot when it ages out. */
  oldest15m: Date | null;
  oldestHour: Date | null;
  /** Codes requested from the thread (to any destination) in the last hour; 0 without threadId. */
  threadLastHour: number;
  oldestThreadHour: Date | null;
  /** The instant the windows were measured from (the `now` given, or the database's now()). */
  now: Date;
}

/**
 * How many OTP codes went to a destination in the last 15 minutes and the last hour, and (if given)
 * from a thread in the last hour: one statement, read inside the caller's per-destination lock.
 * Index: shared_thread_pending_links_rate_limit_idx (destination, created_at), a range scan over at
 * most an hour of one destination's rows (WHERE destination = $1 AND created_at > now - 1 hour);
 * the thread count is a scalar subquery on shared_thread_pending_links_thread_created_idx (0009).
 * `now` defaults to the database clock (the transaction's start, as created_at's default is).
 */
export async function otpRateLimitCounts(
  db: Db,
  params: { destination: string; threadId?: string; now?: Date },
): Promise<OtpRateLimitCounts> {
  const { rows } = await otpRateLimitCountsSql(params).execute(db);
  const r = rows[0];
  if (!r) throw new Error('otpRateLimitCounts: aggregate returned no row');
  return {
    last15m: r.last_15m,
    lastHour: r.last_hour,
    oldest15m: r.oldest_15m,
    oldestHour: r.oldest_hour,
    threadLastHour: Number(r.thread.n),
    oldestThreadHour: r.thread.oldest ? new Date(r.thread.oldest) : null,
    now: r.now,
  };
}

/** otpRateLimitCounts' one statement, for EXPLAIN in tests and the benchmark. */
export function otpRateLimitCountsSql(params: { destination: string; threadId?: string; now?: Date }) {
  const now = params.now ? sql`${params.now}::timestamptz` : sql`now()`;
  const hourAgo = sql`(${now} - interval '1 hour')`;
  const quarterAgo = sql`(${now} - interval '15 minutes')`;
  const thread = params.threadId
    ? sql`(SELECT json_build_object('n', count(*), 'oldest', min(t.created_at))
             FROM shared_thread_pending_links t
            WHERE t.thread_id = ${params.threadId}::uuid AND t.created_at > ${hourAgo})`
    : sql`json_build_object('n', 0, 'oldest', NULL)`;
  return sql<{
    last_15m: number;
    last_hour: number;
    oldest_15m: Date | null;
    oldest_hour: Date | null;
    thread: { n: number; oldest: string | null };
    now: Date;
  }>`
    SELECT count(*) FILTER (WHERE l.created_at > ${quarterAgo})::int AS last_15m,
           count(*)::int                                              AS last_hour,
           min(l.created_at) FILTER (WHERE l.created_at > ${quarterAgo}) AS oldest_15m,
           min(l.created_at)                                          AS oldest_hour,
           ${thread}                                                  AS thread,
           ${now}                                                     AS now
      FROM shared_thread_pending_links l
     WHERE l.destination = ${params.destination}
       AND l.created_at > ${hourAgo}
  `;
}

/** Removes a code that was never sent: it must not count against the destination's or thread's limits. */
export async function deletePendingLink(db: Exec, id: string): Promise<void> {
  await db.deleteFrom('shared_thread_pending_links').where('id', '=', id).where('consumed_at', 'is', null).execute();
}

/**
 * Serializes code requests for one destination, and for one thread, until the
 * transaction ends. Two-key advisory locks: (namespace, hashtext(value)) cannot collide with the
 * single-bigint locks other parts of the app take (the migrator's). Always destination first, then
 * thread: no cycle, so no deadlock between a request for (X, T) and one for (Y, T).
 */
export async function lockOtpKeys(trx: Exec, keys: { destination: string; threadId?: string }): Promise<void> {
  await sql`SELECT pg_advisory_xact_lock(${LOCK_NS_DESTINATION}, hashtext(${keys.destination}))`.execute(trx);
  if (keys.threadId) {
    await sql`SELECT pg_advisory_xact_lock(${LOCK_NS_THREAD}, hashtext(${keys.threadId}))`.execute(trx);
  }
}
const LOCK_NS_DESTINATION = 0x6f747064; // "otpd"
const LOCK_NS_THREAD = 0x6f747074; // "otpt"

/** The thread's existence and current link (FOR KEY SHARE: it cannot be deleted under us). */
export async function threadForLink(trx: Exec, threadId: string) {
  return trx
    .selectFrom('shared_threads')
    .select(['id', 'customer_id', 'contact_name', 'contact_phone'])
    .where('id', '=', threadId)
    .forKeyShare()
    .executeTakeFirst();
}

export async function insertPendingLink(
  trx: Exec,
  row: { threadId: string; destinationType: 'phone' | 'email'; destination: string; codeHash: string; ttlSeconds: number },
): Promise<{ id: string; expiresAt: Date }> {
  const inserted = await trx
    .insertInto('shared_thread_pending_links')
    .values({
      thread_id: row.threadId,
      destination_type: row.destinationType,
      destination: row.destination,
      code_hash: row.codeHash,
      expires_at: sql<Date>`now() + make_interval(secs => ${row.ttlSeconds})`,
    })
    .returning(['id', 'expires_at'])
    .executeTakeFirstOrThrow();
  return { id: inserted.id, expiresAt: inserted.expires_at };
}

/**
 * The newest code sent to this destination for this thread in the last hour, locked for the
 * verification (FOR UPDATE: two guesses at once cannot both slip under the attempt limit, and a
 * correct code cannot be used twice). A newer code supersedes older ones.
 * Index: shared_thread_pending_links_rate_limit_idx, backward range scan on (destination, created_at)
 * with the thread as a filter: at most the 10 codes of the hour.
 */
export async function latestPendingLink(trx: Exec, params: { threadId: string; destination: string }) {
  return trx
    .selectFrom('shared_thread_pending_links')
    .select(['id', 'code_hash', 'attempts', 'consumed_at', sql<boolean>`expires_at <= now()`.as('expired')])
    .where('destination', '=', params.destination)
    .where('created_at', '>', sql<Date>`now() - interval '1 hour'`)
    .where('thread_id', '=', params.threadId)
    .orderBy('created_at', 'desc')
    .limit(1)
    .forUpdate()
    .executeTakeFirst();
}

export async function recordAttempt(trx: Exec, id: string): Promise<void> {
  await trx
    .updateTable('shared_thread_pending_links')
    .set({ attempts: sql<number>`attempts + 1` })
    .where('id', '=', id)
    .execute();
}

export async function consumePendingLink(trx: Exec, id: string): Promise<void> {
  await trx
    .updateTable('shared_thread_pending_links')
    .set({ verified_at: sql<Date>`now()`, consumed_at: sql<Date>`now()` })
    .where('id', '=', id)
    .execute();
}

/**
 * The customer who owns this phone (E.164) or email (lower-case), created if new. INSERT ... ON
 * CONFLICT DO NOTHING then SELECT: two first-time verifications of one destination at once end on
 * the same customer (the UNIQUE constraint decides, READ COMMITTED's next statement sees the winner).
 */
export async function findOrCreateCustomer(
  trx: Exec,
  params: { destinationType: 'phone' | 'email'; destination: string; name: string },
): Promise<number> {
  const column = params.destinationType === 'phone' ? 'phone' : 'email';
  const inserted = await trx
    .insertInto('customers')
    .values({ name: params.name, [column]: params.destination })
    .onConflict((oc) => oc.column(column).doNothing())
    .returning('id')
    .executeTakeFirst();
  if (inserted) return inserted.id;
  const existing = await trx.selectFrom('customers').select('id').where(column, '=', params.destination).executeTakeFirstOrThrow();
  return existing.id;
}

/** Links the thread; keeps an existing contact phone, fills it from a verified phone otherwise. */
export async function linkThread(trx: Exec, params: { threadId: string; customerId: number; verifiedPhone: string | null }): Promise<void> {
  await trx
    .updateTable('shared_threads')
    .set({
      customer_id: params.customerId,
      linked_at: sql<Date>`now()`,
      contact_phone: sql<string | null>`coalesce(contact_phone, ${params.verifiedPhone}::text)`,
    })
    .where('id', '=', params.threadId)
    .execute();
}

/**
 * The funnel's "identity linked" step for the visitors who opened this thread: one attribution row
 * each, copying their source/medium/campaign from their first_message row. Only on a thread's first
 * link (the caller checks), so relinking never counts a visitor twice.
 * Index: attribution_data_conversion_event_idx, range ('first_message', thread.created_at -1 h ..
 * +1 day): the chat widget records the first message when it creates the thread.
 */
export async function recordIdentityLinked(trx: Exec, params: { threadId: string; customerId: number }): Promise<number> {
  const { numAffectedRows } = await sql`
    INSERT INTO attribution_data (visitor_id, thread_id, customer_id, source, medium, campaign, landing_page, conversion_event)
    SELECT DISTINCT ON (m.visitor_id)
           m.visitor_id, m.thread_id, ${params.customerId}::int8, m.source, m.medium, m.campaign, m.landing_page, 'identity_linked'
      FROM shared_threads t
      JOIN attribution_data m
        ON m.conversion_event = 'first_message'
       AND m.occurred_at >= t.created_at - interval '1 hour'
       AND m.occurred_at <  t.created_at + interval '1 day'
       AND m.thread_id = t.id
     WHERE t.id = ${params.threadId}::uuid
     ORDER BY m.visitor_id, m.occurred_at`.execute(trx);
  return Number(numAffectedRows ?? 0);
}
