import { type ExpressionBuilder, sql } from 'kysely';
import type { Db } from '@/db/client';
import { isCalendarInstant } from '@/lib/contract/hardening';
import type { AppointmentStatus, Database } from '@/db/schema';

// ---------------------------------------------------------------------------------------------
// Customer typeahead
// ---------------------------------------------------------------------------------------------

/**
 * How a typed string is searched. Decided in JS so each call sends one query that an index serves:
 *  - phone:  only digits and phone punctuation, 3+ digits: infix on the phone's digits (trigram).
 *  - email:  contains "@": infix on email (trigram).
 *  - text:   3+ letters/digits: infix on name or email (trigram).
 *  - prefix: 1-2 letters/digits ("j", "Jo", "o'b"): whole-name prefix (B-tree customers_name_prefix_idx).
 *  - none:   nothing an index can serve (too few digits, only punctuation): no query, a hint.
 */
export type CustomerSearchPlan =
  | { kind: 'phone'; digits: string; e164Prefixes: string[] }
  | { kind: 'email'; text: string }
  | { kind: 'text'; text: string }
  | { kind: 'prefix'; text: string }
  | { kind: 'none'; hint: string };

const PHONE_LIKE = /^[+\d\s().-]+$/;
const MIN_INFIX = 3; // pg_trgm needs a trigram to look up

export function planCustomerSearch(input: string): CustomerSearchPlan {
  const q = input.trim().replace(/\s+/g, ' ');
  if (!q) return { kind: 'none', hint: 'Type a name, phone number or email.' };
  if (PHONE_LIKE.test(q) && /\d/.test(q)) {
    const digits = q.replace(/\D/g, '');
    if (digits.length < MIN_INFIX) return { kind: 'none', hint: 'Type at least 3 digits of the phone number.' };
    // Phones are stored E.164 ("+13125550142"). "+…" is a full international prefix; without "+",
    // a leading 1 may be the country code or the start of a national number, else it is national.
    const e164Prefixes = q.startsWith('+') ? [`+${digits}`] : digits.startsWith('1') ? [`+${digits}`, `+1${digits}`] : [`+1${digits}`];
    return { kind: 'phone', digits, e164Prefixes };
  }
  const text = q.toLowerCase();
  const alnum = text.replace(/[^\p{L}\p{N}]/gu, '').length;
  if (text.includes('@')) {
    return alnum >= 2 && text.length >= MIN_INFIX
      ? { kind: 'email', text }
      : { kind: 'none', hint: 'Type a few more characters of the email address.' };
  }
  if (alnum >= MIN_INFIX) return { kind: 'text', text };
  if (alnum >= 1) return { kind: 'prefix', text };
  return { kind: 'none', hint: 'Type a few letters of a name, or digits of a phone number.' };
}

/** `%`, `_` and `\` typed by a person are literal characters, not wildcards. */
export function escapeLike(s: string): string {
  return s.replace(/[\\%_]/g, (c) => `\\${c}`);
}

export interface CustomerMatch {
  id: number;
  name: string;
  phone: string | null;
  email: string | null;
  /** Non-cancelled appointments from now on (same rule as the Upcoming tab). */
  upcoming_count: number;
}

export interface CustomerSearchResult {
  items: CustomerMatch[];
  /**
   * For the person typing: why nothing was searched (too short, only punctuation), or that more
   * customers match than are ranked (keep typing). Null when the list is complete.
   */
  hint: string | null;
}

/**
 * At most this many fragment ("infix") matches are ranked per keystroke. A fragment like "son" or
 * "gmail" matches 10-40% of all customers; ranking every one of them cost 30-500 ms at 100k customers
 * (measured under load), and grows with the table. Capped, the work per keystroke is bounded (~2 ms)
 * whatever the table size. The sure matches (whole-name prefix, exact email or phone) come from
 * B-tree indexes and are never cut; only the order among more than this many fragment matches is
 * approximate, and the hint asks for another character.
 */
export const SEARCH_MATCH_CAP = 1000;

type SearchPlan = Exclude<CustomerSearchPlan, { kind: 'none' }>;
const nameC = sql<string>`lower(${sql.ref('customers.name')}) COLLATE "C"`;
const CUSTOMER_COLUMNS = ['customers.id', 'customers.name', 'customers.phone', 'customers.email'] as const;

/**
 * The two candidate sets of a search. `sure`: matches that must rank first, from a B-tree, ordered
 * and limited (whole-name prefix) or unique (exact email/phone). `sample`: fragment matches from the
 * trigram GIN indexes, at most SEARCH_MATCH_CAP + 1 (the +1 tells that the cap was reached).
 */
function candidates(db: Db, plan: SearchPlan, limit: number) {
  const base = () => db.selectFrom('customers').select(CUSTOMER_COLUMNS);
  const namePrefix = (text: string) =>
    base().where(nameC, 'like', `${escapeLike(text)}%`).orderBy(nameC).orderBy('customers.id').limit(limit);
  const cap = SEARCH_MATCH_CAP + 1;
  switch (plan.kind) {
    case 'prefix':
      return { sure: namePrefix(plan.text), sample: null };
    case 'text': {
      const infix = `%${escapeLike(plan.text)}%`;
      return {
        sure: namePrefix(plan.text),
        sample: base()
          .where((eb) => eb.or([eb('customers.name', 'ilike', infix), eb('customers.email', 'ilike', infix)]))
          .limit(cap),
      };
    }
    case 'email':
      return {
        sure: base().where('customers.email', '=', plan.text),
        sample: base().where('customers.email', 'ilike', `%${escapeLike(plan.text)}%`).limit(cap),
      };
    case 'phone':
      return {
        sure: base().where('customers.phone', 'in', plan.e164Prefixes),
        sample: base().where('customers.phone', 'like', `%${plan.digits}%`).limit(cap),
      };
  }
}

/**
 * 0 exact email/phone, 1 whole-name, email or phone prefix, 2 a word of the name starts with it,
 * 3 anywhere else. C-collated LIKE on lower(name) rather than ILIKE: the cheapest measured.
 */
function rankOf(plan: SearchPlan) {
  const name = sql`lower(${sql.ref('u.name')}) COLLATE "C"`;
  const email = sql.ref('u.email');
  const phone = sql.ref('u.phone');
  switch (plan.kind) {
    case 'prefix':
      return sql<number>`1`;
    case 'text': {
      const t = escapeLike(plan.text);
      return sql<number>`CASE WHEN ${email} = ${plan.text} THEN 0
        WHEN ${name} LIKE ${`${t}%`} OR ${email} LIKE ${`${t}%`} THEN 1
        WHEN ${name} LIKE ${`% ${t}%`} THEN 2 ELSE 3 END`;
    }
    case 'email':
      return sql<number>`CASE WHEN ${email} = ${plan.text} THEN 0 WHEN ${email} LIKE ${`${escapeLike(plan.text)}%`} THEN 1 ELSE 3 END`;
    case 'phone':
      return sql<number>`CASE WHEN ${phone} IN (${sql.join(plan.e164Prefixes)}) THEN 0
        WHEN ${sql.join(plan.e164Prefixes.map((p) => sql`${phone} LIKE ${`${p}%`}`), sql` OR `)} THEN 1 ELSE 3 END`;
  }
}

/** The compiled search query, for EXPLAIN in tests and the database page (null: nothing to run). */
export function searchCustomersQuery(db: Db, params: { q: string; limit: number; now?: Date }) {
  const plan = planCustomerSearch(params.q);
  if (plan.kind === 'none') return null;
  const now = params.now ?? new Date();
  const { sure, sample } = candidates(db, plan, params.limit);
  const ranked = db
    .with('sure', () => sure)
    .with('sample', () => sample ?? sure.where(sql<boolean>`false`))
    .with('u', (qc) => qc.selectFrom('sure').selectAll().union(qc.selectFrom('sample').selectAll()))
    .selectFrom('u')
    .select([
      'u.id',
      'u.name',
      'u.phone',
      'u.email',
      rankOf(plan).as('rank'),
      sql<string>`lower(${sql.ref('u.name')}) COLLATE "C"`.as('sort_name'),
      // Uncorrelated: computed once. More than the cap means the ranking saw only part of the matches.
      sql<number>`(SELECT count(*)::int FROM sample)`.as('sampled'),
    ])
    .orderBy('rank')
    .orderBy('sort_name')
    .orderBy('u.id')
    .limit(params.limit);
  return db
    .selectFrom(ranked.as('c'))
    .select((eb) => [
      'c.id',
      'c.name',
      'c.phone',
      'c.email',
      'c.sampled',
      eb
        .selectFrom('appointments')
        .select(sql<number>`count(*)::int`.as('n'))
        .whereRef('appointments.customer_id', '=', 'c.id')
        .where('appointments.date', '>=', now)
        .where('appointments.status', '<>', 'cancelled')
        .as('upcoming_count'),
    ])
    .orderBy('c.rank')
    .orderBy('c.sort_name')
    .orderBy('c.id');
}

// Index: fragments of 3+ characters: customers_{name,email,phone}_trgm_idx (GIN, 0003), Bitmap Heap
// Scan stopped after SEARCH_MATCH_CAP + 1 rows; whole-name prefixes: customers_name_prefix_idx (0007),
// range Index Scan in order, LIMIT; exact email/phone: customers_{email,phone}_key; top-N sort of at
// most cap + limit rows; then appointments_customer_id_idx once per returned row (upcoming count).
// (For a fragment in a third of all rows, e.g. "gmail", the planner may scan customers in order and
// stop at cap + 1 matches instead: bounded too, ~2,600 rows read at 100k customers.)
export async function searchCustomers(db: Db, params: { q: string; limit: number; now?: Date }): Promise<CustomerSearchResult> {
  const plan = planCustomerSearch(params.q);
  if (plan.kind === 'none') return { items: [], hint: plan.hint };
  const rows = await searchCustomersQuery(db, params)!.execute();
  const capped = rows.some((r) => r.sampled > SEARCH_MATCH_CAP);
  return {
    items: rows.map((r) => ({ id: r.id, name: r.name, phone: r.phone, email: r.email, upcoming_count: r.upcoming_count ?? 0 })),
    hint: capped ? `More than ${SEARCH_MATCH_CAP.toLocaleString('en-US')} customers match. Keep typing to narrow the list.` : null,
  };
}

// ---------------------------------------------------------------------------------------------
// Customer card
// ---------------------------------------------------------------------------------------------

export interface CustomerCard {
  id: number;
  name: string;
  phone: string | null;
  email: string | null;
  housecallpro_id: string | null;
  created_at: Date;
  thread_count: number;
  /** The customer's conversation with the most recent message, for a direct link. */
  latest_thread_id: string | null;
}

export function customerByIdQuery(db: Db, params: { customerId: number }) {
  return db
    .selectFrom('customers')
    .select((eb) => [
      'customers.id',
      'customers.name',
      'customers.phone',
      'customers.email',
      'customers.housecallpro_id',
      'customers.created_at',
      eb
        .selectFrom('shared_threads')
        .select(sql<number>`count(*)::int`.as('n'))
        .whereRef('shared_threads.customer_id', '=', 'customers.id')
        .as('thread_count'),
      eb
        .selectFrom('shared_threads')
        .select('shared_threads.id')
        .whereRef('shared_threads.customer_id', '=', 'customers.id')
        .where('shared_threads.last_message_at', 'is not', null)
        .orderBy('shared_threads.last_message_at', 'desc')
        .limit(1)
        .as('latest_thread_id'),
    ])
    .where('customers.id', '=', params.customerId);
}

// Index: customers_pkey (Index Scan, one row); shared_threads_customer_id_idx (customer_id,
// last_message_at DESC) for the thread count and the latest thread (Index Scan, LIMIT 1).
export async function customerById(db: Db, params: { customerId: number }): Promise<CustomerCard | null> {
  const row = await customerByIdQuery(db, params).executeTakeFirst();
  return row ? { ...row, thread_count: row.thread_count ?? 0, latest_thread_id: row.latest_thread_id ?? null } : null;
}

// Index: customers_pkey (Index Only Scan). Distinguishes "no appointments" from "no such customer".
export async function customerExists(db: Db, params: { customerId: number }): Promise<boolean> {
  const row = await db.selectFrom('customers').select('id').where('id', '=', params.customerId).executeTakeFirst();
  return row !== undefined;
}

// ---------------------------------------------------------------------------------------------
// A customer's appointments, tabbed
// ---------------------------------------------------------------------------------------------

/**
 * The tabs partition a customer's appointments: every appointment is in exactly one tab.
 *  - cancelled: status = 'cancelled', whatever the date.
 *  - upcoming:  not cancelled and date >= now (soonest first).
 *  - past:      not cancelled and date <  now (newest first). This includes a job started earlier today
 *               and still in_progress, and a scheduled/confirmed job whose date passed without an
 *               update: it shows with its status so staff can see it needs attention, never vanishes.
 * The split is by the appointment's start (`date`), on one `now` per request.
 */
export type BookingTab = 'upcoming' | 'past' | 'cancelled';
export const BOOKING_TABS: readonly BookingTab[] = ['upcoming', 'past', 'cancelled'];

/** Statuses a tab can contain (the status filter offers these). */
export const TAB_STATUSES: Record<BookingTab, readonly AppointmentStatus[]> = {
  upcoming: ['scheduled', 'confirmed', 'in_progress'],
  past: ['completed', 'no_show', 'in_progress', 'scheduled', 'confirmed'],
  cancelled: ['cancelled'],
};

export interface AppointmentCursor {
  /** The row's date as exact UTC text (microseconds): a JS Date would lose them and skip rows. */
  date: string;
  id: number;
}

const CURSOR_RE = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z)_([1-9]\d{0,15})$/;
export const CURSOR_PATTERN = CURSOR_RE;

export function encodeCursor(c: AppointmentCursor): string {
  return `${c.date}_${c.id}`;
}

/** null when malformed (the router turns that into BAD_REQUEST). */
export function decodeCursor(s: string): AppointmentCursor | null {
  const m = CURSOR_RE.exec(s);
  if (!m) return null;
  const id = Number(m[2]);
  // Date.parse accepts Feb 30 and year 0000, PostgreSQL does not: the calendar check is shared.
  if (!Number.isSafeInteger(id) || !isCalendarInstant(m[1]!)) return null;
  return { date: m[1]!, id };
}

export interface CustomerAppointmentsParams {
  customerId: number;
  tab: BookingTab;
  status?: AppointmentStatus | null;
  /** Inclusive lower bound on `date`. */
  from?: Date | null;
  /** Exclusive upper bound on `date`. */
  to?: Date | null;
  limit: number;
  cursor?: AppointmentCursor | null;
  now?: Date;
}

export interface AppointmentRow {
  id: number;
  date: Date;
  duration_minutes: number;
  status: AppointmentStatus;
  service_type: string;
  technician: string | null;
  amount_cents: number | null;
  notes: string | null;
  housecallpro_job_id: string | null;
}

type AppointmentEb = ExpressionBuilder<Database, 'appointments'>;

function tabFilter(eb: AppointmentEb, tab: BookingTab, now: Date) {
  if (tab === 'cancelled') return eb('appointments.status', '=', 'cancelled');
  return eb.and([
    eb('appointments.status', '<>', 'cancelled'),
    eb('appointments.date', tab === 'upcoming' ? '>=' : '<', now),
  ]);
}

const dateKey = sql<string>`to_char(${sql.ref('appointments.date')} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

export function customerAppointmentsQuery(db: Db, p: CustomerAppointmentsParams) {
  const now = p.now ?? new Date();
  const dir = p.tab === 'upcoming' ? 'asc' : 'desc';
  const cursor = p.cursor;
  return db
    .selectFrom('appointments')
    .select([
      'appointments.id',
      'appointments.date',
      'appointments.duration_minutes',
      'appointments.status',
      'appointments.service_type',
      'appointments.technician',
      'appointments.amount_cents',
      'appointments.notes',
      'appointments.housecallpro_job_id',
      dateKey.as('date_key'),
    ])
    .where('appointments.customer_id', '=', p.customerId)
    .where((eb) => tabFilter(eb, p.tab, now))
    .$if(!!p.status, (qb) => qb.where('appointments.status', '=', p.status!))
    .$if(!!p.from, (qb) => qb.where('appointments.date', '>=', p.from!))
    .$if(!!p.to, (qb) => qb.where('appointments.date', '<', p.to!))
    .$if(!!cursor, (qb) =>
      qb.where((eb) =>
        eb(
          eb.refTuple('appointments.date', 'appointments.id'),
          dir === 'asc' ? '>' : '<',
          eb.tuple(sql<Date>`${cursor!.date}::timestamptz`, cursor!.id),
        ),
      ),
    )
    .orderBy('appointments.date', dir)
    .orderBy('appointments.id', dir)
    .limit(p.limit + 1);
}

// Index: appointments_customer_id_idx (customer_id, date): Index Scan (Backward for past/cancelled)
// with customer_id = $1 and the date range/cursor as Index Cond, Incremental Sort on id, Limit.
export async function customerAppointments(
  db: Db,
  p: CustomerAppointmentsParams,
): Promise<{ items: AppointmentRow[]; nextCursor: string | null }> {
  const rows = await customerAppointmentsQuery(db, p).execute();
  const more = rows.length > p.limit;
  const page = more ? rows.slice(0, p.limit) : rows;
  const last = page[page.length - 1];
  return {
    items: page.map(({ date_key: _, ...r }) => r),
    nextCursor: more && last ? encodeCursor({ date: last.date_key, id: last.id }) : null,
  };
}

export interface TabCounts {
  upcoming: number;
  past: number;
  cancelled: number;
}

export function appointmentTabCountsQuery(db: Db, p: { customerId: number; from?: Date | null; to?: Date | null; now?: Date }) {
  const now = p.now ?? new Date();
  return db
    .selectFrom('appointments')
    .select((eb) => [
      sql<number>`count(*) FILTER (WHERE ${tabFilter(eb, 'upcoming', now)})::int`.as('upcoming'),
      sql<number>`count(*) FILTER (WHERE ${tabFilter(eb, 'past', now)})::int`.as('past'),
      sql<number>`count(*) FILTER (WHERE ${tabFilter(eb, 'cancelled', now)})::int`.as('cancelled'),
    ])
    .where('appointments.customer_id', '=', p.customerId)
    .$if(!!p.from, (qb) => qb.where('appointments.date', '>=', p.from!))
    .$if(!!p.to, (qb) => qb.where('appointments.date', '<', p.to!));
}

// Index: appointments_customer_id_idx: one (Bitmap) Index Scan of the customer's rows, one Aggregate
// with three FILTERed counts (the tab labels); the date range, when set, is an Index Cond.
export async function appointmentTabCounts(
  db: Db,
  p: { customerId: number; from?: Date | null; to?: Date | null; now?: Date },
): Promise<TabCounts> {
  const row = await appointmentTabCountsQuery(db, p).executeTakeFirstOrThrow();
  return { upcoming: row.upcoming, past: row.past, cancelled: row.cancelled };
}
