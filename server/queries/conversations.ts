import { type Expression, sql } from 'kysely';
import type { Db } from '@/db/client';
import type { AuthorType, Channel, Direction } from '@/db/schema';
import { dayStartSql, encodeMessageCursor, type MessageCursor, timestampKey } from './conversations-cursors';

// ---- Thread history ------------------------------------------------------------------------

export interface HistoryParams {
  threadId: string;
  limit: number;
  cursor?: MessageCursor | null;
  /** older (the default): strictly before the cursor; newer: strictly after it. */
  direction?: 'older' | 'newer';
}

export interface HistoryMessage {
  id: number;
  channel: Channel;
  direction: Direction;
  authorType: AuthorType;
  authorName: string | null;
  body: string;
  voiceDurationSeconds: number | null;
  voiceTranscript: string | null;
  voiceRecordingUrl: string | null;
  createdAt: Date;
}

export interface HistoryPage {
  /** Newest first. */
  messages: HistoryMessage[];
  /** Pass back as `cursor` for the next (older) page; null when this page reaches the first message. */
  nextCursor: string | null;
  /** Pass back with direction newer for the messages after this page; null when none were there. */
  prevCursor: string | null;
  /** The newest message's key on this page: what "anything newer?" asks from (live updates). */
  newestCursor: string | null;
}

type Edge = { createdAt: Expression<Date>; id: number };

function edgeOf(c: MessageCursor): Edge {
  return { createdAt: sql<Date>`${c.createdAt}::timestamptz`, id: c.id };
}

/** One side of a keyset page: `older` walks down from `edge` (exclusive), `newer` up from it. */
function sideQuery(db: Db, threadId: string, side: 'older' | 'newer', edge: Edge | null, limit: number, inclusive = false) {
  const op = side === 'older' ? '<' : inclusive ? '>=' : '>';
  const order = side === 'older' ? 'desc' : 'asc';
  return db
    .selectFrom('shared_thread_messages')
    .select([
      'id',
      'channel',
      'direction',
      'author_type as authorType',
      'author_name as authorName',
      'body',
      'voice_duration_seconds as voiceDurationSeconds',
      'voice_transcript as voiceTranscript',
      'voice_recording_url as voiceRecordingUrl',
      'created_at as createdAt',
      (eb) => timestampKey(eb.ref('created_at')).as('createdAtKey'),
    ])
    .where('thread_id', '=', threadId)
    .$if(!!edge, (qb) => qb.where((eb) => eb(eb.refTuple('created_at', 'id'), op, eb.tuple(edge!.createdAt, edge!.id))))
    .orderBy('created_at', order)
    .orderBy('id', order)
    .limit(limit + 1); // one extra row says whether the page has a further side
}

/** The statement threadHistory runs for its first or older pages; exported so tests EXPLAIN what is served. */
export function threadHistoryQuery(db: Db, p: HistoryParams) {
  const edge = p.cursor ? edgeOf(p.cursor) : null;
  return sideQuery(db, p.threadId, p.direction === 'newer' ? 'newer' : 'older', edge, p.limit);
}

type Row = Awaited<ReturnType<ReturnType<typeof sideQuery>['execute']>>[number];
const strip = ({ createdAtKey: _key, ...m }: Row): HistoryMessage => m;
const cursorOf = (r: Row | undefined) => (r ? encodeMessageCursor({ createdAt: r.createdAtKey, id: r.id }) : null);

/** Assembles a page from its older rows (newest first) and newer rows (oldest first), each limit + 1. */
function page(older: Row[], olderLimit: number, newer: Row[], newerLimit: number, newerAsked: boolean): HistoryPage {
  const o = older.slice(0, olderLimit);
  const n = newer.slice(0, newerLimit).reverse();
  const all = [...n, ...o];
  return {
    messages: all.map(strip),
    nextCursor: older.length > olderLimit ? cursorOf(o.at(-1)) : null,
    prevCursor: newerAsked && newer.length > newerLimit ? cursorOf(n[0]) : null,
    newestCursor: cursorOf(all[0]),
  };
}

// Index Scan (Backward for older pages, forward for newer ones) on
// shared_thread_messages_thread_created_idx (thread_id, created_at, id): Index Cond thread_id = $1
// AND ROW(created_at, id) < / > ROW($2, $3), stops after limit + 1 rows.
export async function threadHistory(db: Db, p: HistoryParams): Promise<HistoryPage> {
  const rows = await threadHistoryQuery(db, p).execute();
  if (p.direction === 'newer') return page([], 0, rows, p.limit, true);
  return page(rows, p.limit, [], 0, false);
}

/**
 * The page around one point of a thread, both ways by keyset: a search hit (the message itself and
 * those after it on the newer side) or a day (its first message onwards). `null` when the message
 * is not in this thread. Two Index Scans of shared_thread_messages_thread_created_idx, one each way.
 */
export async function threadHistoryAround(
  db: Db,
  p: { threadId: string; limit: number; at: { messageId: number } | { day: string; timeZone: string } },
): Promise<HistoryPage | null> {
  let edge: Edge;
  if ('messageId' in p.at) {
    const m = await db
      .selectFrom('shared_thread_messages')
      .select(['id', (eb) => timestampKey(eb.ref('created_at')).as('key')])
      .where('id', '=', p.at.messageId)
      .where('thread_id', '=', p.threadId)
      .executeTakeFirst();
    if (!m) return null;
    edge = edgeOf({ createdAt: m.key, id: m.id });
  } else {
    edge = { createdAt: dayStartSql(p.at.day, p.at.timeZone), id: 0 };
  }
  // A hit sits in the middle of its page; a day starts near the top (a few messages before it show
  // where the previous day ended).
  const olderLimit = 'messageId' in p.at ? Math.floor(p.limit / 2) : Math.min(5, Math.floor(p.limit / 4));
  const newerLimit = p.limit - olderLimit;
  const [older, newer] = await Promise.all([
    sideQuery(db, p.threadId, 'older', edge, olderLimit).execute(),
    sideQuery(db, p.threadId, 'newer', edge, newerLimit, true).execute(),
  ]);
  return page(older, olderLimit, newer, newerLimit, true);
}

// ---- One thread's header -------------------------------------------------------------------

export interface ThreadHeader {
  id: string;
  customerId: number | null;
  customerName: string | null;
  customerPhone: string | null;
  customerEmail: string | null;
  contactName: string | null;
  contactPhone: string | null;
  channels: Channel[];
  status: 'open' | 'closed';
  messageCount: number;
  lastMessageAt: Date | null;
  createdAt: Date;
}

export function threadByIdQuery(db: Db, threadId: string) {
  return db
    .selectFrom('shared_threads as t')
    .leftJoin('customers as c', 'c.id', 't.customer_id')
    .select([
      't.id',
      't.customer_id as customerId',
      'c.name as customerName',
      'c.phone as customerPhone',
      'c.email as customerEmail',
      't.contact_name as contactName',
      't.contact_phone as contactPhone',
      't.channels',
      't.status',
      't.message_count as messageCount',
      't.last_message_at as lastMessageAt',
      't.created_at as createdAt',
    ])
    .where('t.id', '=', threadId);
}

// Index Scan on shared_threads_pkey, then customers_pkey for the linked customer (one row each).
export async function threadById(db: Db, threadId: string): Promise<ThreadHeader | null> {
  return (await threadByIdQuery(db, threadId).executeTakeFirst()) ?? null;
}
