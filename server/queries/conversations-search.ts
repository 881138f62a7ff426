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

/** The newest WINDOW messages (from the WINDOW-th, by created_at then id) or the older ones. */
type Slice = { since: SearchWindow } | { before: SearchWindow } | null;

/**
 * The messages that match, filtered: one definition for both parts of the search. Message filters
 * are columns of the row the index gives: channel is the second column of
 * shared_thread_messages_search_channel_idx (0026, btree_gin), so "calls only" is matched inside
 * the full-text index; created_at is an Index Cond of shared_thread_messages_created_idx. Thread
 * filters are a semi-join to the threads they keep, so the planner sees how few they are: a
 * customer's (shared_threads_customer_id_idx), the waiting ones (shared_threads_waiting_idx), the
 * open ones (shared_threads_open_idx, 0022); closed threads (most of them) as "not an open one".
 */
function matching(db: Db, p: MessageSearchParams, slice: Slice, threads = true, walk = false) {
  const tz = p.timeZone ?? 'UTC';
  const kept = threads ? threadFilter(p) : null;
  // Only a window is walked; without one (a customer's search) the planner drives from the threads.
  const walking = walk && !!slice && 'since' in slice;
  const table = db.selectFrom('shared_thread_messages as m');
  // The window's WINDOW rows in order, a subquery with a LIMIT (no condition is pushed into it):
  // walked newest first (see messageSearchQuery's `recent`), exactly the rows searchWindow counted.
  const walked = () =>
    db.selectFrom(
      db
        .selectFrom('shared_thread_messages as w')
        .select(['w.id', 'w.thread_id', 'w.created_at', 'w.search_vector', 'w.channel'])
        .$if(!!p.from, (qb) => qb.where('w.created_at', '>=', dayStartSql(p.from!, tz)))
        .$if(!!p.to, (qb) => qb.where('w.created_at', '<', sql<Date>`${dayStartSql(p.to!, tz)} + interval '1 day'`))
        .orderBy('w.created_at', 'desc')
        .orderBy('w.id', 'desc')
        .limit(WINDOW)
        .as('m'),
    ) as unknown as typeof table;
  return (
    (walking ? walked() : table)
      .where(sql<boolean>`m.search_vector @@ websearch_to_tsquery('english', ${p.q})`)
      .$if(!!p.channel, (qb) => qb.where('m.channel', '=', p.channel!))
      .$if(!!p.from, (qb) => qb.where('m.created_at', '>=', dayStartSql(p.from!, tz)))
      .$if(!!p.to, (qb) => qb.where('m.created_at', '<', sql<Date>`${dayStartSql(p.to!, tz)} + interval '1 day'`))
      // (created_at, id) >= / < the window's first row, spelt out so created_at is an Index Cond.
      .$if(!!slice && 'since' in slice, (qb) => {
        const w = (slice as { since: SearchWindow }).since;
        return qb
          .where('m.created_at', '>=', w.start)
          .where((eb) => eb.or([eb('m.created_at', '>', w.start), eb('m.id', '>=', w.startId)]));
      })
      .$if(!!slice && 'before' in slice, (qb) => {
        const w = (slice as { before: SearchWindow }).before;
        return qb.where('m.created_at', '<=', w.start).where((eb) => eb.or([eb('m.created_at', '<', w.start), eb('m.id', '<', w.startId)]));
      })
      // Walked: a hashed SubPlan per row (IS TRUE keeps it from becoming a join), streaming, so the
      // walk stops at CANDIDATES; as a join it was planned as a loop over the filter's threads.
      .$if(!!kept, (qb) => qb.where(walking ? sql<boolean>`(${kept!}) IS TRUE` : kept!))
  );
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

export interface SearchWindow {
  /** created_at and id of the WINDOW-th newest message within the date filters. */
  start: Date;
  startId: number;
  /** DENSE_AT_1M scaled to the table's size (pg_class.reltuples, the planner's own count). */
  denseAt: number;
}

/**
 * The newest WINDOW messages within the date filters, or null when there are fewer, or when the
 * search is a customer's: their threads are few, and the planner drives the search from them. An
 * Index Only Scan of shared_thread_messages_created_idx, WINDOW entries.
 */
export async function searchWindow(db: Db, p: MessageSearchParams): Promise<SearchWindow | null> {
  if (p.customerId) return null;
  const tz = p.timeZone ?? 'UTC';
  const row = await db
    .selectFrom('shared_thread_messages as m')
    .select([
      'm.created_at',
      'm.id',
      sql<number>`(SELECT reltuples FROM pg_class WHERE oid = 'shared_thread_messages'::regclass)::float8`.as('rows'),
    ])
    .$if(!!p.from, (qb) => qb.where('m.created_at', '>=', dayStartSql(p.from!, tz)))
    .$if(!!p.to, (qb) => qb.where('m.created_at', '<', sql<Date>`${dayStartSql(p.to!, tz)} + interval '1 day'`))
    .orderBy('m.created_at', 'desc')
    .orderBy('m.id', 'desc')
    .offset(WINDOW - 1)
    .limit(1)
    .executeTakeFirst();
  if (!row) return null;
  // reltuples is -1 before the first ANALYZE: then the table counts as small (read older matches from the index).
  return {
    start: row.created_at,
    startId: Number(row.id),
    denseAt: Math.ceil(DENSE_AT_1M * Math.sqrt(1e6 / Math.max(WINDOW, Number(row.rows)))),
  };
}

/**
 * The statement messageSearch runs, given searchWindow's answer; exported so tests and the bench
 * EXPLAIN exactly what is served. The older parts are read only when `recent` found fewer than
 * CANDIDATES (One-Time Filters on its count, evaluated first):
 *
 * `recent`: the newest CANDIDATES matches among the newest WINDOW messages (all messages without a
 * window), by the planner's choice for that bounded slice: walking
 * shared_thread_messages_created_idx newest first, or the full-text index (channel inside it)
 * ANDed with the slice's range of created_idx. The window is always walked: the planner chose
 * the index AND for a common word too ("call", with or without a thread filter), whose bitmap
 * of 200,000 matches at 1M alone took 15-70 ms, where the walk stops after CANDIDATES matches or
 * WINDOW rows (a rare word pays the whole window, about 10 ms at 1M).
 * Then, by how common the word (in its channel, whatever the thread filter) is in the window:
 * up to `denseAt` matches (see DENSE_AT_1M), from `recent` or a second walk (`density`).
 * `older_sparse`, when it is rare there: every older match, planned without a LIMIT, from the
 * full-text index; a word a channel never holds reads nothing ("furnace" in calls).
 * `older_dense`, when it is common but too few of its matches passed the thread filter (closed:
 * the newest messages are all in open threads): newest first again, stopping at CANDIDATES, as
 * the planner picks.
 */
export function messageSearchQuery(db: Db, p: MessageSearchParams, window: SearchWindow | null) {
  const tsq = sql`websearch_to_tsquery('english', ${p.q})`;
  const since = window ? { since: window } : null;
  // Never read without a window (a One-Time Filter false): `created_at <= NULL` plans as empty.
  const before = { before: window ?? { start: null as unknown as Date, startId: 0, denseAt: 1 } };
  const cols = ['m.id', 'm.thread_id', 'm.created_at', 'm.search_vector'] as const;
  const denseAt = window?.denseAt ?? 1;
  const fewer = sql<boolean>`${window !== null} AND (SELECT count(*) FROM recent) < ${CANDIDATES}`;
  const dense = sql<boolean>`(SELECT n FROM density) >= ${denseAt}`;
  const newestFirst = db
    .with(
      (cte) => cte('recent').materialized(),
      () => matching(db, p, since, true, true).select(cols).orderBy('m.created_at', 'desc').orderBy('m.id', 'desc').limit(CANDIDATES),
    )
    // The word's matches in the window, whatever the thread filter, up to denseAt: read once, and
    // only when `recent` came up short. Without a thread filter `recent` walked the whole window
    // and holds them all; with one, the window is walked again without it.
    .with(
      (cte) => cte('density').materialized(),
      (wb) =>
        threadFilter(p)
          ? wb
              .selectFrom(
                matching(db, p, since, false, true)
                  .select(sql`1`.as('one'))
                  .limit(denseAt)
                  .as('d'),
              )
              .select((eb) => eb.fn.countAll<number>().as('n'))
          : wb.selectFrom('recent').select((eb) => eb.fn.countAll<number>().as('n')),
    )
    .with(
      (cte) => cte('older_sparse').materialized(),
      () => matching(db, p, before).select(['m.id', 'm.thread_id', 'm.created_at']),
    )
    .with(
      (cte) => cte('older_dense').materialized(),
      () => matching(db, p, before).select(cols).orderBy('m.created_at', 'desc').orderBy('m.id', 'desc').limit(CANDIDATES),
    )
    .selectFrom('recent')
    .select(['recent.id', 'recent.thread_id', 'recent.created_at', 'recent.search_vector'])
    .unionAll((eb) =>
      eb
        .selectFrom((sub) =>
          sub
            .selectFrom('older_sparse as o')
            .select(['o.id', 'o.thread_id', 'o.created_at'])
            .where(sql<boolean>`${fewer} AND NOT ${dense}`)
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
        .where(sql<boolean>`${fewer} AND ${dense}`),
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
  // No parallel workers: the newest-first walks stop after a few thousand rows, and at 1M the
  // planner split `older_dense`'s into a Parallel Index Scan whose Gather Merge cost 50-70 ms to
  // start where the walk itself took 18 ms (2 cores, loaded). SET LOCAL ends with the transaction.
  // Inside a caller's transaction the setting is the caller's to choose.
  const search = async (t: Db) => messageSearchQuery(t, p, await searchWindow(t, p)).execute();
  const rows = db.isTransaction
    ? await search(db)
    : await db.transaction().execute(async (trx) => {
        await sql`SET LOCAL max_parallel_workers_per_gather = 0`.execute(trx);
        return search(trx);
      });
  const capped = rows.length > 0 && Number(rows[0]!.candidates) >= CANDIDATES;
  return { hits: rows.map(({ candidates: _n, ...hit }) => hit), capped };
}
