import { type Expression, sql } from 'kysely';
import type { Db } from '@/db/client';
import type { AuthorType, Channel, Direction } from '@/db/schema';

// Keyset cursors carry a timestamp with PostgreSQL's full microsecond precision. A JS Date keeps
// milliseconds only: a cursor built from one would skip or repeat rows whose created_at differ
// below the millisecond. So the key is formatted by SQL (to_char ... US) and compared as text cast
// back by PostgreSQL, never round-tripped through Date.
const KEY_FORMAT = `YYYY-MM-DD"T"HH24:MI:SS.US"Z"`;
function timestampKey(column: Expression<unknown>) {
  return sql<string>`to_char(${column} AT TIME ZONE 'UTC', ${sql.lit(KEY_FORMAT)})`;
}

const KEY_RE = /^(\d{4})-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;
const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** A real instant in years 1900..9999, exactly as timestampKey prints it (so PostgreSQL accepts it). */
function isTimestampKey(s: string): boolean {
  const m = KEY_RE.exec(s);
  if (!m || Number(m[1]) < 1900) return false;
  const millis = `${s.slice(0, 23)}Z`;
  const t = Date.parse(millis);
  return Number.isFinite(t) && new Date(t).toISOString() === millis; // rejects Feb 30, hour 25...
}

/** (created_at, id) of the oldest message on a page: the next page starts strictly below it. */
export interface MessageCursor {
  createdAt: string;
  id: number;
}
/** (last_message_at, id) of the last thread on a page. */
export interface ThreadCursor {
  lastMessageAt: string;
  id: string;
}

function encode(parts: string): string {
  return Buffer.from(parts, 'utf8').toString('base64url');
}
/** Canonical encodings only: decoding then re-encoding must give the input back. */
function decode(cursor: string): [string, string] | null {
  if (cursor.length === 0 || cursor.length > 200 || !/^[A-Za-z0-9_-]+$/.test(cursor)) return null;
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  if (encode(text) !== cursor) return null;
  const bar = text.indexOf('|');
  if (bar < 0) return null;
  return [text.slice(0, bar), text.slice(bar + 1)];
}

export function encodeMessageCursor(c: MessageCursor): string {
  return encode(`${c.createdAt}|${c.id}`);
}
/** null for anything that is not a cursor this module made (callers answer BAD_REQUEST). */
export function decodeMessageCursor(cursor: string): MessageCursor | null {
  const parts = decode(cursor);
  if (!parts || !isTimestampKey(parts[0]) || !/^[1-9]\d{0,15}$/.test(parts[1])) return null;
  const id = Number(parts[1]);
  return Number.isSafeInteger(id) ? { createdAt: parts[0], id } : null;
}
export function encodeThreadCursor(c: ThreadCursor): string {
  return encode(`${c.lastMessageAt}|${c.id}`);
}
export function decodeThreadCursor(cursor: string): ThreadCursor | null {
  const parts = decode(cursor);
  if (!parts || !isTimestampKey(parts[0]) || !UUID_RE.test(parts[1])) return null;
  return { lastMessageAt: parts[0], id: parts[1] };
}

// ---- Thread history ------------------------------------------------------------------------

export interface HistoryParams {
  threadId: string;
  limit: number;
  cursor?: MessageCursor | null;
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
  createdAt: Date;
}

export interface HistoryPage {
  /** Newest first. */
  messages: HistoryMessage[];
  /** Pass back as `cursor` for the next (older) page; null when this page reaches the first message. */
  nextCursor: string | null;
}

/** The statement threadHistory runs; exported so tests EXPLAIN exactly what is served. */
export function threadHistoryQuery(db: Db, p: HistoryParams) {
  const cursor = p.cursor;
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
      'created_at as createdAt',
      (eb) => timestampKey(eb.ref('created_at')).as('createdAtKey'),
    ])
    .where('thread_id', '=', p.threadId)
    .$if(!!cursor, (qb) =>
      qb.where((eb) =>
        eb(eb.refTuple('created_at', 'id'), '<', eb.tuple(sql<Date>`${cursor!.createdAt}::timestamptz`, cursor!.id)),
      ),
    )
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(p.limit + 1); // one extra row says whether an older page exists
}

// Index Scan Backward on shared_thread_messages_thread_created_idx (thread_id, created_at, id):
// Index Cond thread_id = $1 AND ROW(created_at, id) < ROW($2, $3), stops after limit + 1 rows.
export async function threadHistory(db: Db, p: HistoryParams): Promise<HistoryPage> {
  const rows = await threadHistoryQuery(db, p).execute();
  const page = rows.slice(0, p.limit);
  const last = page.at(-1);
  return {
    messages: page.map(({ createdAtKey: _key, ...m }) => m),
    nextCursor: rows.length > p.limit && last ? encodeMessageCursor({ createdAt: last.createdAtKey, id: last.id }) : null,
  };
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

// ---- Thread list ---------------------------------------------------------------------------

export interface ListThreadsParams {
  channel?: Channel | null;
  /** A fragment of the customer's name, or digits of a phone number (see planThreadSearch). */
  search?: string | null;
  limit: number;
  cursor?: ThreadCursor | null;
}

export interface ThreadListRow {
  id: string;
  customerId: number | null;
  customerName: string | null;
  contactName: string | null;
  /** The customer's phone, else the number an anonymous SMS/voice thread came from. */
  phone: string | null;
  channels: Channel[];
  lastMessagePreview: string | null;
  lastMessageAt: Date;
  messageCount: number;
}

export interface ThreadListPage {
  threads: ThreadListRow[];
  nextCursor: string | null;
}

/** `%`, `_` and `\` typed by a person are literal characters, not wildcards. */
function escapeLike(s: string): string {
  return s.replace(/[\\%_]/g, (ch) => `\\${ch}`);
}

/**
 * How a typed search is matched, decided here so each request sends one query an index serves
 * (the same rules as the bookings typeahead):
 *  - phone: only digits and phone punctuation, 3+ digits: the digits anywhere in the customer's
 *    phone or the thread's contact phone (trigram indexes);
 *  - name: 3+ letters/digits: anywhere in the customer's name (customers_name_trgm_idx);
 *  - prefix: 1-2 letters/digits: the start of the name (customers_name_prefix_idx, 0007), since a
 *    trigram index cannot serve fewer than 3 characters;
 *  - none: nothing searchable (punctuation, 1-2 digits): no thread matches.
 */
export type ThreadSearch =
  | { kind: 'phone'; pattern: string }
  | { kind: 'name'; pattern: string }
  | { kind: 'prefix'; pattern: string }
  | { kind: 'none' };

export function planThreadSearch(search: string | null | undefined): ThreadSearch | null {
  const q = (search ?? '').trim().replace(/\s+/g, ' ');
  if (!q) return null;
  if (/^[+\d\s().-]+$/.test(q) && /\d/.test(q)) {
    const digits = q.replace(/\D/g, '');
    return digits.length >= 3 ? { kind: 'phone', pattern: `%${digits}%` } : { kind: 'none' };
  }
  const alnum = q.replace(/[^\p{L}\p{N}]/gu, '').length;
  if (alnum >= 3) return { kind: 'name', pattern: `%${escapeLike(q)}%` };
  if (alnum >= 1) return { kind: 'prefix', pattern: `${escapeLike(q.toLowerCase())}%` };
  return { kind: 'none' };
}

export function listThreadsQuery(db: Db, p: ListThreadsParams) {
  const search = planThreadSearch(p.search);
  const cursor = p.cursor;
  // The page of threads is chosen (filtered, ordered, limited) from shared_threads alone; only its
  // limit + 1 rows are then joined to customers. Joined before the LIMIT, a broad search ("son")
  // would look up the customer of every matching thread (thousands) just to sort them.
  const page = db
    .selectFrom('shared_threads as t')
    .select([
      't.id',
      't.customer_id',
      't.contact_name',
      't.contact_phone',
      't.channels',
      't.last_message_preview',
      't.last_message_at',
      't.message_count',
    ])
    // A thread with no message yet has nothing to show; excluding it also keeps the keyset total
    // (a row comparison with NULL is never true).
    .where('t.last_message_at', 'is not', null)
    .$if(!!p.channel, (qb) => qb.where(sql<boolean>`t.channels @> ARRAY[${p.channel}]::text[]`))
    .$if(!!search, (qb) =>
      qb.where((eb) => {
        const s = search!;
        if (s.kind === 'none') return sql<boolean>`false`;
        // The matching customers first (trigram or prefix index), then their threads by
        // shared_threads_customer_id_idx: = ANY(ARRAY(subquery)) runs the subquery once as an
        // InitPlan and keeps the planner from hashing a Seq Scan of all threads instead.
        const customerIds = eb
          .selectFrom('customers as m')
          .select('m.id')
          .where((w) =>
            s.kind === 'phone'
              ? w('m.phone', 'like', s.pattern)
              : s.kind === 'name'
                ? w('m.name', 'ilike', s.pattern)
                : sql<boolean>`lower(m.name) COLLATE "C" LIKE ${s.pattern}`,
          );
        const byCustomer = sql<boolean>`t.customer_id = ANY(ARRAY${customerIds})`;
        // Anonymous SMS/voice threads by the caller's number (shared_threads_contact_phone_trgm_idx).
        return s.kind === 'phone' ? eb.or([byCustomer, eb('t.contact_phone', 'like', s.pattern)]) : byCustomer;
      }),
    )
    .$if(!!cursor, (qb) =>
      qb.where((eb) =>
        eb(
          eb.refTuple('t.last_message_at', 't.id'),
          '<',
          eb.tuple(sql<Date>`${cursor!.lastMessageAt}::timestamptz`, sql<string>`${cursor!.id}::uuid`),
        ),
      ),
    )
    // Exactly the index's order (DESC NULLS LAST), so no sort is needed without a search.
    .orderBy('t.last_message_at', (ob) => ob.desc().nullsLast())
    .orderBy('t.id', 'desc')
    .limit(p.limit + 1);

  return db
    .selectFrom(page.as('t'))
    .leftJoin('customers as c', 'c.id', 't.customer_id')
    .select((eb) => [
      't.id',
      't.customer_id as customerId',
      'c.name as customerName',
      't.contact_name as contactName',
      eb.fn.coalesce('c.phone', 't.contact_phone').as('phone'),
      't.channels',
      't.last_message_preview as lastMessagePreview',
      // Never null: threads without a message are not listed.
      eb.ref('t.last_message_at').$castTo<Date>().as('lastMessageAt'),
      't.message_count as messageCount',
      timestampKey(eb.ref('t.last_message_at')).as('lastMessageAtKey'),
    ])
    .orderBy('t.last_message_at', (ob) => ob.desc().nullsLast())
    .orderBy('t.id', 'desc');
}

// Unfiltered or by channel: Index Scan on shared_threads_last_message_idx in order (keyset Index
// Cond, channel as a Filter), stops after limit + 1, then customers_pkey for those rows only. With a
// search: Bitmap scans of customers_name_trgm_idx / customers_phone_trgm_idx / customers_name_prefix_idx
// (InitPlan), shared_threads_customer_id_idx (+ shared_threads_contact_phone_trgm_idx for phones),
// top-N sort of the matching threads, then customers_pkey.
export async function listThreads(db: Db, p: ListThreadsParams): Promise<ThreadListPage> {
  const rows = await listThreadsQuery(db, p).execute();
  const page = rows.slice(0, p.limit);
  const last = page.at(-1);
  return {
    threads: page.map(({ lastMessageAtKey: _key, ...t }) => t),
    nextCursor:
      rows.length > p.limit && last ? encodeThreadCursor({ lastMessageAt: last.lastMessageAtKey, id: last.id }) : null,
  };
}
