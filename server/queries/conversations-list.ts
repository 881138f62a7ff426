import { sql } from 'kysely';
import type { Db } from '@/db/client';
import type { Channel, MatchKind, ThreadStatus } from '@/lib/contract/conversations';
import { dayStartSql, encodeThreadCursor, type ThreadCursor, timestampKey } from './conversations-cursors';

export interface ListThreadsParams {
  channel?: Channel | null;
  /** A fragment of the customer's name or email, or digits of a phone number (see planThreadSearch). */
  search?: string | null;
  customerId?: number | null;
  status?: ThreadStatus | null;
  /** Open threads whose last message is the customer's, oldest wait first. */
  waiting?: boolean | null;
  /** Last activity on or after this day / on or before this day, in `timeZone`. */
  from?: string | null;
  to?: string | null;
  timeZone?: string;
  limit: number;
  cursor?: ThreadCursor | null;
}

export interface ThreadListRow {
  id: string;
  customerId: number | null;
  customerName: string | null;
  customerEmail: string | null;
  contactName: string | null;
  /** The customer's phone, else the number an anonymous SMS/voice thread came from. */
  phone: string | null;
  channels: Channel[];
  status: ThreadStatus;
  lastDirection: 'inbound' | 'outbound' | null;
  lastMessagePreview: string | null;
  lastMessageAt: Date;
  messageCount: number;
  /** With a search: which of the thread's fields it matched. */
  matched: MatchKind | null;
}

export interface ThreadListPage {
  threads: ThreadListRow[];
  nextCursor: string | null;
  /** How many threads match in all, where that is cheap to know (one customer, waiting); else null. */
  total: number | null;
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
 *  - name: 3+ letters/digits: anywhere in the customer's name or email (customers_name_trgm_idx,
 *    customers_email_trgm_idx);
 *  - prefix: 1-2 letters/digits: the start of the name (customers_name_prefix_idx, 0007), since a
 *    trigram index cannot serve fewer than 3 characters;
 *  - none: nothing searchable (punctuation, 1-2 digits): no thread matches.
 */
export type ThreadSearch =
  { kind: 'phone'; pattern: string } | { kind: 'name'; pattern: string } | { kind: 'prefix'; pattern: string } | { kind: 'none' };

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

/** The filtered threads, before ordering and paging: shared by the page and its count. */
function filtered(db: Db, p: ListThreadsParams) {
  const search = planThreadSearch(p.search);
  const tz = p.timeZone ?? 'UTC';
  return (
    db
      .selectFrom('shared_threads as t')
      // A thread with no message yet has nothing to show; excluding it also keeps the keyset total
      // (a row comparison with NULL is never true).
      .where('t.last_message_at', 'is not', null)
      .$if(!!p.channel, (qb) => qb.where(sql<boolean>`t.channels @> ARRAY[${p.channel}]::text[]`))
      .$if(!!p.customerId, (qb) => qb.where('t.customer_id', '=', p.customerId!))
      .$if(!!p.status, (qb) => qb.where('t.status', '=', p.status!))
      // Exactly the predicate of shared_threads_waiting_idx, so the planner can use it.
      .$if(!!p.waiting, (qb) => qb.where('t.last_direction', '=', 'inbound').where('t.status', '=', 'open'))
      .$if(!!p.from, (qb) => qb.where('t.last_message_at', '>=', dayStartSql(p.from!, tz)))
      .$if(!!p.to, (qb) => qb.where('t.last_message_at', '<', sql<Date>`${dayStartSql(p.to!, tz)} + interval '1 day'`))
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
                  ? w.or([w('m.name', 'ilike', s.pattern), w('m.email', 'ilike', s.pattern)])
                  : sql<boolean>`lower(m.name) COLLATE "C" LIKE ${s.pattern}`,
            );
          const byCustomer = sql<boolean>`t.customer_id = ANY(ARRAY${customerIds})`;
          // Anonymous SMS/voice threads by the caller's number (shared_threads_contact_phone_trgm_idx).
          return s.kind === 'phone' ? eb.or([byCustomer, eb('t.contact_phone', 'like', s.pattern)]) : byCustomer;
        }),
      )
  );
}

export function listThreadsQuery(db: Db, p: ListThreadsParams) {
  const search = planThreadSearch(p.search);
  const cursor = p.cursor;
  // Waiting on us reads oldest first (the longest wait at the top); everything else newest first.
  const asc = !!p.waiting;
  // The page of threads is chosen (filtered, ordered, limited) from shared_threads alone; only its
  // limit + 1 rows are then joined to customers. Joined before the LIMIT, a broad search ("son")
  // would look up the customer of every matching thread (thousands) just to sort them.
  const page = filtered(db, p)
    .select([
      't.id',
      't.customer_id',
      't.contact_name',
      't.contact_phone',
      't.channels',
      't.status',
      't.last_direction',
      't.last_message_preview',
      't.last_message_at',
      't.message_count',
    ])
    .$if(!!cursor, (qb) =>
      qb.where((eb) =>
        eb(
          eb.refTuple('t.last_message_at', 't.id'),
          asc ? '>' : '<',
          eb.tuple(sql<Date>`${cursor!.lastMessageAt}::timestamptz`, sql<string>`${cursor!.id}::uuid`),
        ),
      ),
    )
    // Exactly an index's order (shared_threads_last_message_idx DESC NULLS LAST, or
    // shared_threads_waiting_idx ascending), so no sort is needed without a search.
    .$if(!asc, (qb) => qb.orderBy('t.last_message_at', (ob) => ob.desc().nullsLast()).orderBy('t.id', 'desc'))
    .$if(asc, (qb) => qb.orderBy('t.last_message_at', 'asc').orderBy('t.id', 'asc'))
    .limit(p.limit + 1);

  const matched =
    search?.kind === 'phone'
      ? sql<MatchKind>`'phone'`
      : search?.kind === 'name'
        ? sql<MatchKind>`CASE WHEN c.name ILIKE ${search.pattern} THEN 'name' ELSE 'email' END`
        : search?.kind === 'prefix'
          ? sql<MatchKind>`'name'`
          : sql<MatchKind | null>`NULL`;

  return db
    .selectFrom(page.as('t'))
    .leftJoin('customers as c', 'c.id', 't.customer_id')
    .select((eb) => [
      't.id',
      't.customer_id as customerId',
      'c.name as customerName',
      'c.email as customerEmail',
      't.contact_name as contactName',
      eb.fn.coalesce('c.phone', 't.contact_phone').as('phone'),
      't.channels',
      't.status',
      't.last_direction as lastDirection',
      't.last_message_preview as lastMessagePreview',
      // Never null: threads without a message are not listed.
      eb.ref('t.last_message_at').$castTo<Date>().as('lastMessageAt'),
      't.message_count as messageCount',
      matched.as('matched'),
      timestampKey(eb.ref('t.last_message_at')).as('lastMessageAtKey'),
    ])
    .$if(!asc, (qb) => qb.orderBy('t.last_message_at', (ob) => ob.desc().nullsLast()).orderBy('t.id', 'desc'))
    .$if(asc, (qb) => qb.orderBy('t.last_message_at', 'asc').orderBy('t.id', 'asc'));
}

/** The count beside a filtered list, only for filters whose matches an index bounds tightly. */
export function countThreadsQuery(db: Db, p: ListThreadsParams) {
  return filtered(db, p).select((eb) => eb.fn.countAll<string>().as('n'));
}
export const countIsCheap = (p: ListThreadsParams) => !!p.customerId || !!p.waiting;

// Unfiltered, by channel, status or dates: Index Scan on shared_threads_last_message_idx in order
// (keyset and date range as Index Cond, the rest as a Filter), stops after limit + 1, then
// customers_pkey for those rows only. customer: shared_threads_customer_id_idx. waiting:
// shared_threads_waiting_idx (partial) in order. With a search: Bitmap scans of the customers'
// trigram / prefix indexes (InitPlan), shared_threads_customer_id_idx (+ the contact phone
// trigram index for phones), top-N sort of the matching threads, then customers_pkey.
export async function listThreads(db: Db, p: ListThreadsParams): Promise<ThreadListPage> {
  const withCount = countIsCheap(p) && !p.cursor;
  const [rows, count] = await Promise.all([
    listThreadsQuery(db, p).execute(),
    withCount ? countThreadsQuery(db, p).executeTakeFirst() : Promise.resolve(undefined),
  ]);
  const page = rows.slice(0, p.limit);
  const last = page.at(-1);
  return {
    threads: page.map(({ lastMessageAtKey: _key, ...t }) => t),
    nextCursor: rows.length > p.limit && last ? encodeThreadCursor({ lastMessageAt: last.lastMessageAtKey, id: last.id }) : null,
    total: count ? Number(count.n) : null,
  };
}
