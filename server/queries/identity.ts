import { sql } from 'kysely';
import type { Db } from '@/db/client';

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
  const now = params.now ? sql`${params.now}::timestamptz` : sql`now()`;
  const hourAgo = sql`(${now} - interval '1 hour')`;
  const quarterAgo = sql`(${now} - interval '15 minutes')`;
  const thread = params.threadId
    ? sql`(SELECT json_build_object('n', count(*), 'oldest', min(t.created_at))
             FROM shared_thread_pending_links t
            WHERE t.thread_id = ${params.threadId}::uuid AND t.created_at > ${hourAgo})`
    : sql`json_build_object('n', 0, 'oldest', NULL)`;

  const { rows } = await sql<{
    last_15m: number;
    last_hour: number;
    oldest_15m: Date | null;
    oldest_hour: Date | null;
    thread: { n: number; oldest: string | null };
  }>`
    SELECT count(*) FILTER (WHERE l.created_at > ${quarterAgo})::int AS last_15m,
           count(*)::int                                              AS last_hour,
           min(l.created_at) FILTER (WHERE l.created_at > ${quarterAgo}) AS oldest_15m,
           min(l.created_at)                                          AS oldest_hour,
           ${thread}                                                  AS thread
      FROM shared_thread_pending_links l
     WHERE l.destination = ${params.destination}
       AND l.created_at > ${hourAgo}
  `.execute(db);

  const r = rows[0];
  if (!r) throw new Error('otpRateLimitCounts: aggregate returned no row');
  return {
    last15m: r.last_15m,
    lastHour: r.last_hour,
    oldest15m: r.oldest_15m,
    oldestHour: r.oldest_hour,
    threadLastHour: Number(r.thread.n),
    oldestThreadHour: r.thread.oldest ? new Date(r.thread.oldest) : null,
  };
}
