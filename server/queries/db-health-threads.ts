import { sql } from 'kysely';
import type { Db } from '@/db/client';
import { blockingLocks, describeLock, type Guard, guarded } from './db-health-guard';

/**
 * How many of the newest messages the check follows to their threads: the threads writers touched
 * last, where a writer that bypassed migration 0010's triggers would have left a stale summary.
 * Recounting a thread reads all its messages, and busy threads hold thousands: at 1M rows the
 * threads of the newest 2,000 messages hold ~33,000 (about 30 ms), of the newest 20,000 ~225,000
 * (about 210 ms). Checking every thread takes 1.7 s at 1M messages.
 */
export const THREAD_CHECK_MESSAGES = 2_000;

export const THREAD_GUARD: Guard = { lockTimeoutMs: 500, statementTimeoutMs: 5_000 };

const TABLES = ['shared_threads', 'shared_thread_messages'];

export interface ThreadSummaryFacts {
  messageCount: number;
  channels: string[];
  lastMessageAt: Date | null;
}

export interface ThreadSummaryMismatch {
  threadId: string;
  stored: ThreadSummaryFacts;
  actual: ThreadSummaryFacts;
}

export type ThreadSummaryCheck =
  { checked: true; messages: number; threads: number; mismatches: ThreadSummaryMismatch[] } | { checked: false; reason: string };

interface Row {
  thread_id: string;
  stored_count: number;
  stored_channels: string[];
  stored_last: Date | null;
  actual_count: number;
  actual_channels: string[];
  actual_last: Date | null;
}

/**
 * The stored summaries (message_count, channels, last message) of the threads of the newest
 * messages against what their messages give, by 0010's shared_threads_summary_of (first 100
 * mismatches). Skipped, with the reason, while a table it reads is locked.
 */
export async function readThreadSummaryCheck(db: Db, guard = THREAD_GUARD, newest = THREAD_CHECK_MESSAGES): Promise<ThreadSummaryCheck> {
  const locks = (await guarded(db, blockingLocks, guard)).filter((l) => TABLES.includes(l.table));
  if (locks.length) return { checked: false, reason: `Not checked: ${locks.map(describeLock).join('; ')}.` };
  return guarded(
    db,
    async (trx) => {
      const scope = await sql<{ messages: number; ids: string[] | null }>`
        SELECT count(*)::int AS messages, array_agg(DISTINCT thread_id) AS ids
          FROM (SELECT thread_id FROM shared_thread_messages ORDER BY id DESC LIMIT ${newest}) m`.execute(trx);
      const { messages, ids } = scope.rows[0]!;
      if (!ids?.length) return { checked: true as const, messages: 0, threads: 0, mismatches: [] };
      const { rows } = await sql<Row>`
        SELECT t.id AS thread_id, t.message_count AS stored_count, t.channels AS stored_channels, t.last_message_at AS stored_last,
               s.message_count AS actual_count, s.channels AS actual_channels, s.last_message_at AS actual_last
          FROM shared_threads t JOIN shared_threads_summary_of(${ids}::uuid[]) s ON s.id = t.id
         WHERE (t.message_count, t.channels, t.last_message_at, t.last_message_preview)
               IS DISTINCT FROM (s.message_count, s.channels, s.last_message_at, s.last_message_preview)
         ORDER BY t.id
         LIMIT 100`.execute(trx);
      return {
        checked: true as const,
        messages,
        threads: ids.length,
        mismatches: rows.map((r) => ({
          threadId: r.thread_id,
          stored: { messageCount: r.stored_count, channels: r.stored_channels, lastMessageAt: r.stored_last },
          actual: { messageCount: r.actual_count, channels: r.actual_channels, lastMessageAt: r.actual_last },
        })),
      };
    },
    guard,
  );
}
