import { sql } from 'kysely';
import type { Db } from '@/db/client';
import type { Channel, Direction } from '@/db/schema';
import { MARK_END, MARK_START, type ThreadStatus } from '@/lib/contract/conversations';
import { dayStartSql } from './conversations-cursors';

/**
 * Ranked among the newest CANDIDATES matches, not all of them: a common word ("call") matches a
 * fifth of all messages, and fetching 200,000 rows from the heap to rank them took 300 ms at 1M
 * messages where this takes 1-4 ms. Staff look for recent conversations; the rank orders what is
 * recent by how well it matches (`capped` tells the screen there were more).
 */
export const CANDIDATES = 200;

// Bounded work: ts_headline runs on the page's hits only (never on candidates), over at most the
// first 5,000 characters of a long transcript.
const HEADLINE_OPTIONS = `StartSel=${MARK_START}, StopSel=${MARK_END}, MaxWords=22, MinWords=8, ShortWord=2, MaxFragments=2, FragmentDelimiter=" … "`;

export interface MessageSearchParams {
  q: string;
  limit: number;
  // The list's triage filters. Thread filters: the customer's threads, open/closed, waiting on us
  // (the thread's newest message is inbound and it is open). Message filters: the hit's own
  // channel, and the day it was written on, from/to inclusive in `timeZone`.
  customerId?: number | null;
  status?: ThreadStatus | null;
  waiting?: boolean | null;
  channel?: Channel | null;
  from?: string | null;
  to?: string | null;
  timeZone?: string;
}

export interface MessageHit {
  messageId: number;
  threadId: string;
  channel: Channel;
  direction: Direction;
  createdAt: Date;
  /** The matching part of the body or transcript, matched words between MARK_START and MARK_END. */
  snippet: string;
  customerId: number | null;
  customerName: string | null;
  contactName: string | null;
  phone: string | null;
}

export interface MessageSearchResult {
  hits: MessageHit[];
  /** True when at least CANDIDATES messages matched: the hits are the best of the newest ones. */
  capped: boolean;
}

/**
 * The messages that match, filtered: one definition for the candidates and their count. Message
 * filters are columns of the row the index gives (channel; created_at, an Index Cond when walking
 * shared_thread_messages_created_idx newest first). Thread filters are a semi-join to the threads
 * they keep, so the planner sees how few they are: a customer's (shared_threads_customer_id_idx),
 * the waiting ones (shared_threads_waiting_idx), the open ones (shared_threads_open_idx, 0100),
 * hashed for a rare word, probed by primary key per candidate for a common one; closed threads
 * (most of them) as "not an open one".
 */
function matching(db: Db, p: MessageSearchParams) {
  const tz = p.timeZone ?? 'UTC';
  const byThread = !!p.customerId || !!p.status || !!p.waiting;
  const closedOnly = p.status === 'closed' && !p.customerId && !p.waiting;
  return (
    db
      .selectFrom('shared_thread_messages as m')
      .where(sql<boolean>`m.search_vector @@ websearch_to_tsquery('english', ${p.q})`)
      .$if(!!p.channel, (qb) => qb.where('m.channel', '=', p.channel!))
      .$if(!!p.from, (qb) => qb.where('m.created_at', '>=', dayStartSql(p.from!, tz)))
      .$if(!!p.to, (qb) => qb.where('m.created_at', '<', sql<Date>`${dayStartSql(p.to!, tz)} + interval '1 day'`))
      // Closed threads are most of them: "not one of the open ones", one hashed list of the open
      // threads from shared_threads_open_idx (hashing the closed ones read the whole table).
      .$if(closedOnly, (qb) =>
        qb.where('m.thread_id', 'not in', (eb) => eb.selectFrom('shared_threads as st').select('st.id').where('st.status', '=', 'open')),
      )
      .$if(byThread && !closedOnly, (qb) =>
        qb.where('m.thread_id', 'in', (eb) =>
          eb
            .selectFrom('shared_threads as st')
            .select('st.id')
            .$if(!!p.customerId, (q) => q.where('st.customer_id', '=', p.customerId!))
            .$if(!!p.status, (q) => q.where('st.status', '=', p.status!))
            // Exactly the predicate of shared_threads_waiting_idx, as the list writes it.
            .$if(!!p.waiting, (q) => q.where('st.last_direction', '=', 'inbound').where('st.status', '=', 'open')),
        ),
      )
  );
}

/** The statement messageSearch runs; exported so tests and the bench EXPLAIN exactly what is served. */
export function messageSearchQuery(db: Db, p: MessageSearchParams) {
  const tsq = sql`websearch_to_tsquery('english', ${p.q})`;
  // The newest matches: for a common word an Index Scan of shared_thread_messages_created_idx
  // that stops after CANDIDATES hits; for a rare one a Bitmap Index Scan of
  // shared_thread_messages_search_idx and a top-N sort. The planner picks by the word's frequency.
  const candidates = matching(db, p)
    .select(['m.id', 'm.thread_id', 'm.created_at', 'm.search_vector'])
    .orderBy('m.created_at', 'desc')
    .orderBy('m.id', 'desc')
    .limit(CANDIDATES);
  const ranked = db
    .selectFrom(candidates.as('c'))
    .select([
      'c.id',
      'c.thread_id',
      'c.created_at',
      sql<number>`ts_rank(c.search_vector, ${tsq})`.as('rank'),
      // How many candidates there were (at most CANDIDATES), counted before the page's LIMIT: says
      // whether the search was capped without a second walk.
      sql<string>`count(*) OVER ()`.as('candidates'),
    ])
    .orderBy('rank', 'desc')
    .orderBy('c.created_at', 'desc')
    .orderBy('c.id', 'desc')
    .limit(p.limit);
  return db
    .selectFrom(ranked.as('h'))
    .innerJoin('shared_thread_messages as m', 'm.id', 'h.id')
    .innerJoin('shared_threads as t', 't.id', 'h.thread_id')
    .leftJoin('customers as cu', 'cu.id', 't.customer_id')
    .select((eb) => [
      'm.id as messageId',
      'm.thread_id as threadId',
      'm.channel',
      'm.direction',
      'm.created_at as createdAt',
      sql<string>`ts_headline('english', left(m.body || ' ' || coalesce(m.voice_transcript, ''), 5000), ${tsq}, ${HEADLINE_OPTIONS})`.as(
        'snippet',
      ),
      't.customer_id as customerId',
      'cu.name as customerName',
      't.contact_name as contactName',
      eb.fn.coalesce('cu.phone', 't.contact_phone').as('phone'),
      'h.candidates',
    ])
    .orderBy('h.rank', 'desc')
    .orderBy('h.created_at', 'desc')
    .orderBy('h.id', 'desc');
}

export async function messageSearch(db: Db, p: MessageSearchParams): Promise<MessageSearchResult> {
  const rows = await messageSearchQuery(db, p).execute();
  const capped = rows.length > 0 && Number(rows[0]!.candidates) >= CANDIDATES;
  return { hits: rows.map(({ candidates: _n, ...hit }) => hit), capped };
}
