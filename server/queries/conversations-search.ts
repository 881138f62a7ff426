import { expressionBuilder, sql } from 'kysely';
import type { Db } from '@/db/client';
import type { Channel, Database, Direction } from '@/db/schema';
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
 * How many of the newest messages (within the date filters) the first part of a search looks at:
 * the newest CANDIDATES matches among them, by whichever plan the planner picks for that slice
 * (walking shared_thread_messages_created_idx newest first, or the full-text index ANDed with the
 * slice's range of created_idx). Only when the slice holds fewer than CANDIDATES matches does the
 * search read the older matches, all of them, by the plan that is cheapest for all of them (see
 * messageSearchQuery). Measured at 1M messages (bench/RESULTS.md): a common word with a filter
 * that none or few of its matches pass (calls only, closed, a narrow range) walked the whole
 * index newest first, 0.9 s, because the planner cannot know the filter and the word are
 * correlated; bounded, the worst walk is this many rows.
 */
export const WINDOW = 10_000;

/**
 * Matches of the word (in its channel) among the WINDOW newest messages from which it counts as
 * common, at 1M messages. A walk to CANDIDATES matches reads about CANDIDATES * WINDOW / n rows for
 * n matches in the window; reading every older match from the full-text index fetches about
 * n * rows / WINDOW, each from a page of its own where the walk reads neighbours (the heap is in
 * time order): measured, a fetched row cost about 2.5 walked ones. They cost the same at
 * n = sqrt(CANDIDATES * WINDOW^2 / 2.5 / rows): 90 at 1M messages, 28 at 10M. Below, the older
 * matches are read from the index; above, newest first.
 */
export const DENSE_AT_1M = 90;

type Slice = { since: Date } | { before: Date } | null;

/**
 * The messages that match, filtered: one definition for both parts of the search. Message filters
 * are columns of the row the index gives: channel is the second column of
 * shared_thread_messages_search_channel_idx (0100, btree_gin), so "calls only" is matched inside
 * the full-text index; created_at is an Index Cond of shared_thread_messages_created_idx. Thread
 * filters are a semi-join to the threads they keep, so the planner sees how few they are: a
 * customer's (shared_threads_customer_id_idx), the waiting ones (shared_threads_waiting_idx), the
 * open ones (shared_threads_open_idx, 0022); closed threads (most of them) as "not an open one".
 */
function matching(db: Db, p: MessageSearchParams, slice: Slice, threads: 'filter' | 'select') {
  const tz = p.timeZone ?? 'UTC';
  const q = db
    .selectFrom('shared_thread_messages as m')
    .where(sql<boolean>`m.search_vector @@ websearch_to_tsquery('english', ${p.q})`)
    .$if(!!p.channel, (qb) => qb.where('m.channel', '=', p.channel!))
    .$if(!!p.from, (qb) => qb.where('m.created_at', '>=', dayStartSql(p.from!, tz)))
    .$if(!!p.to, (qb) => qb.where('m.created_at', '<', sql<Date>`${dayStartSql(p.to!, tz)} + interval '1 day'`))
    .$if(!!slice && 'since' in slice, (qb) => qb.where('m.created_at', '>=', (slice as { since: Date }).since))
    .$if(!!slice && 'before' in slice, (qb) => qb.where('m.created_at', '<', (slice as { before: Date }).before));
  const kept = threadFilter(p);
  return threads === 'filter'
    ? q.$if(!!kept, (qb) => qb.where(kept!)).select(sql<boolean>`true`.as('kept'))
    : q.select(kept ? kept.as('kept') : sql<boolean>`true`.as('kept'));
}

/**
 * The thread filters as one condition on m.thread_id, or null: a semi-join to the threads they
 * keep, so the planner sees how few they are: a customer's (shared_threads_customer_id_idx), the
 * waiting ones (shared_threads_waiting_idx), the open ones (shared_threads_open_idx, 0022); closed
 * threads (most of them) as "not one of the open ones", one hashed list of the open threads
 * (hashing the closed ones read the whole table).
 */
function threadFilter(p: MessageSearchParams) {
  const byThread = !!p.customerId || !!p.status || !!p.waiting;
  if (!byThread) return null;
  const eb = expressionBuilder<Database & { m: Database['shared_thread_messages'] }, 'm'>();
  if (p.status === 'closed' && !p.customerId && !p.waiting)
    return eb('m.thread_id', 'not in', eb.selectFrom('shared_threads as st').select('st.id').where('st.status', '=', 'open'));
  return eb(
    'm.thread_id',
    'in',
    eb
      .selectFrom('shared_threads as st')
      .select('st.id')
      .$if(!!p.customerId, (q) => q.where('st.customer_id', '=', p.customerId!))
      .$if(!!p.status, (q) => q.where('st.status', '=', p.status!))
      // Exactly the predicate of shared_threads_waiting_idx, as the list writes it.
      .$if(!!p.waiting, (q) => q.where('st.last_direction', '=', 'inbound').where('st.status', '=', 'open')),
  );
}

/**
 * Where the newest WINDOW messages within the date filters begin (the created_at of the
 * WINDOW-th), or null when there are fewer, or when the search is a customer's: their threads are
 * few, and the planner drives the search from them. An Index Only Scan of
 * shared_thread_messages_created_idx, WINDOW entries.
 */
export async function searchWindowStart(db: Db, p: MessageSearchParams): Promise<Date | null> {
  if (p.customerId) return null;
  const tz = p.timeZone ?? 'UTC';
  const row = await db
    .selectFrom('shared_thread_messages as m')
    .select('m.created_at')
    .$if(!!p.from, (qb) => qb.where('m.created_at', '>=', dayStartSql(p.from!, tz)))
    .$if(!!p.to, (qb) => qb.where('m.created_at', '<', sql<Date>`${dayStartSql(p.to!, tz)} + interval '1 day'`))
    .orderBy('m.created_at', 'desc')
    .orderBy('m.id', 'desc')
    .offset(WINDOW - 1)
    .limit(1)
    .executeTakeFirst();
  return row?.created_at ?? null;
}

/**
 * The statement messageSearch runs, given searchWindowStart's answer; exported so tests and the
 * bench EXPLAIN exactly what is served. Three parts, the later ones read only when the earlier
 * ones found fewer than CANDIDATES (One-Time Filters on their counts):
 *
 * `window`: the matches among the newest WINDOW messages (all of them when `windowStart` is null),
 * by the planner's choice for that bounded slice: walking shared_thread_messages_created_idx, or
 * the full-text index (channel inside it) ANDed with the slice's range of created_idx. Without a
 * thread filter it stops at CANDIDATES; with one, every word-and-channel match of the slice is
 * kept with a flag for the thread filter, to count how common the word is apart from it.
 * `older` (sparse): when the word (in its channel) is rare in the window (see DENSE_AT_1M), every
 * older match, planned without a LIMIT: the full-text index, so a word a channel never holds
 * reads nothing ("furnace" in calls), a rare one only its matches.
 * `older` (dense): when the word is common but too few of the window's matches passed (the thread
 * filter's threads lie further back: the newest messages are in open threads, so "closed" finds
 * none there), newest first again, stopping at CANDIDATES, as the planner picks.
 * A customer's search has no window (searchWindowStart): `window` is then the whole search.
 */
export function messageSearchQuery(db: Db, p: MessageSearchParams, windowStart: Date | null) {
  const tsq = sql`websearch_to_tsquery('english', ${p.q})`;
  // With a thread filter and a window, the window keeps every word-and-channel match, flagged.
  const flagged = !!threadFilter(p) && windowStart !== null;
  const newest = <T extends { orderBy: (c: 'm.created_at' | 'm.id', d: 'desc') => T }>(qb: T) =>
    qb.orderBy('m.created_at', 'desc').orderBy('m.id', 'desc');
  const cols = ['m.id', 'm.thread_id', 'm.created_at'] as const;
  // Common: at least DENSE_AT_1M matches in the window at 1M messages, scaled by sqrt(1M / rows)
  // (reltuples, the planner's own count): where walking to CANDIDATES matches reads fewer rows
  // than fetching every older match would, if the word is as common further back.
  const dense = sql<boolean>`(SELECT count(*) FROM "window") >= ${DENSE_AT_1M}::float8 * sqrt(1e6 / greatest(1, (SELECT reltuples FROM pg_class WHERE oid = 'shared_thread_messages'::regclass)))`;
  const enough = (cte: string) => sql<boolean>`(SELECT count(*) FROM ${sql.table(cte)}) < ${CANDIDATES}`;
  const newestFirst = db
    .with(
      (cte) => cte('window').materialized(),
      () =>
        matching(db, p, windowStart ? { since: windowStart } : null, flagged ? 'select' : 'filter')
          .select([...cols, 'm.search_vector'])
          .$if(!flagged, (qb) => newest(qb).limit(CANDIDATES)),
    )
    .with(
      (cte) => cte('recent').materialized(),
      (wb) =>
        wb
          .selectFrom('window as w')
          .select(['w.id', 'w.thread_id', 'w.created_at', 'w.search_vector'])
          .where('w.kept', '=', true)
          .orderBy('w.created_at', 'desc')
          .orderBy('w.id', 'desc')
          .limit(CANDIDATES),
    )
    // Never read without a window: `created_at < NULL` plans as an empty result.
    .with(
      (cte) => cte('older_sparse').materialized(),
      () => matching(db, p, { before: windowStart! }, 'filter').select(cols),
    )
    .with(
      (cte) => cte('older_dense').materialized(),
      () => newest(matching(db, p, { before: windowStart! }, 'filter').select([...cols, 'm.search_vector'])).limit(CANDIDATES),
    )
    .selectFrom('recent')
    .select(['recent.id', 'recent.thread_id', 'recent.created_at', 'recent.search_vector'])
    .unionAll((eb) =>
      eb
        .selectFrom((sub) =>
          sub
            .selectFrom('older_sparse as o')
            .select(['o.id', 'o.thread_id', 'o.created_at'])
            .where(sql<boolean>`${windowStart !== null}`)
            .where(enough('recent'))
            .where(sql<boolean>`NOT ${dense}`)
            .orderBy('o.created_at', 'desc')
            .orderBy('o.id', 'desc')
            .limit(CANDIDATES)
            .as('s'),
        )
        // The vectors of the newest CANDIDATES only (every older match's would be materialized).
        .innerJoin('shared_thread_messages as sm', 'sm.id', 's.id')
        .select(['s.id', 's.thread_id', 's.created_at', 'sm.search_vector']),
    )
    .unionAll((eb) =>
      eb
        .selectFrom('older_dense as d')
        .select(['d.id', 'd.thread_id', 'd.created_at', 'd.search_vector'])
        .where(sql<boolean>`${windowStart !== null}`)
        .where(enough('recent'))
        .where(dense),
    );
  const candidates = db
    .selectFrom(newestFirst.as('n'))
    .select(['n.id', 'n.thread_id', 'n.created_at', 'n.search_vector'])
    .orderBy('n.created_at', 'desc')
    .orderBy('n.id', 'desc')
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
  const rows = await messageSearchQuery(db, p, await searchWindowStart(db, p)).execute();
  const capped = rows.length > 0 && Number(rows[0]!.candidates) >= CANDIDATES;
  return { hits: rows.map(({ candidates: _n, ...hit }) => hit), capped };
}
