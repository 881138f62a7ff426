import { type ExpressionBuilder, sql } from 'kysely';
import type { Db } from '@/db/client';
import type { AppointmentStatus, Database } from '@/db/schema';
import { type AppointmentCursor, encodeCursor } from '@/lib/contract/appointments';
import type { BookingTab, TabCountsInput } from '@/lib/contract/bookings';

// ---------------------------------------------------------------------------------------------
// Customer card
// ---------------------------------------------------------------------------------------------

export interface CustomerCard {
  id: number;
  name: string;
  phone: string | null;
  email: string | null;
  housecallproId: string | null;
  serviceAddress: string | null;
  createdAt: Date;
  threadCount: number;
  /** The customer's conversation with the most recent message, for a direct link. */
  latestThreadId: string | null;
}

export function customerByIdQuery(db: Db, params: { customerId: number }) {
  return db
    .selectFrom('customers')
    .select((eb) => [
      'customers.id',
      'customers.name',
      'customers.phone',
      'customers.email',
      'customers.housecallpro_id as housecallproId',
      'customers.service_address as serviceAddress',
      'customers.created_at as createdAt',
      eb
        .selectFrom('shared_threads')
        .select(sql<number>`count(*)::int`.as('n'))
        .whereRef('shared_threads.customer_id', '=', 'customers.id')
        .as('threadCount'),
      eb
        .selectFrom('shared_threads')
        .select('shared_threads.id')
        .whereRef('shared_threads.customer_id', '=', 'customers.id')
        .where('shared_threads.last_message_at', 'is not', null)
        .orderBy('shared_threads.last_message_at', 'desc')
        .limit(1)
        .as('latestThreadId'),
    ])
    .where('customers.id', '=', params.customerId);
}

// Index: customers_pkey (Index Scan, one row); shared_threads_customer_id_idx (customer_id,
// last_message_at DESC) for the thread count and the latest thread (Index Scan, LIMIT 1).
export async function customerById(db: Db, params: { customerId: number }): Promise<CustomerCard | null> {
  const row = await customerByIdQuery(db, params).executeTakeFirst();
  return row ? { ...row, threadCount: row.threadCount ?? 0, latestThreadId: row.latestThreadId ?? null } : null;
}

// Index: customers_pkey (Index Only Scan). Distinguishes "no appointments" from "no such customer".
export async function customerExists(db: Db, params: { customerId: number }): Promise<boolean> {
  const row = await db.selectFrom('customers').select('id').where('id', '=', params.customerId).executeTakeFirst();
  return row !== undefined;
}

// ---------------------------------------------------------------------------------------------
// A customer's appointments, tabbed
// ---------------------------------------------------------------------------------------------

// The tabs and the statuses they hold: lib/contract/bookings.ts (BOOKING_TABS, TAB_STATUSES).

/**
 * The contract's filters (tabCountsInput in lib/contract/bookings.ts), with the business days turned
 * into instants by the router: a filter added to the contract arrives here without another edit.
 */
type AppointmentFilters = Omit<TabCountsInput, 'from' | 'to'> & {
  /** Inclusive lower bound on `date`. */
  from?: Date | null;
  /** Exclusive upper bound on `date`. */
  to?: Date | null;
};

export interface CustomerAppointmentsParams extends AppointmentFilters {
  tab: BookingTab;
  status?: AppointmentStatus | null;
  limit: number;
  cursor?: AppointmentCursor | null;
  now?: Date;
}

export interface AppointmentRow {
  id: number;
  date: Date;
  durationMinutes: number;
  status: AppointmentStatus;
  serviceType: string;
  technician: string | null;
  amountCents: number | null;
  notes: string | null;
  housecallproJobId: string | null;
}

type AppointmentEb = ExpressionBuilder<Database, 'appointments'>;

/** What narrows a customer's appointments, shared by the list and the tab counts (so they always agree). */
function customerFilters(eb: AppointmentEb, p: AppointmentFilters) {
  return eb.and([
    eb('appointments.customer_id', '=', p.customerId),
    ...(p.technician ? [eb('appointments.technician', '=', p.technician)] : []),
    ...(p.from ? [eb('appointments.date', '>=', p.from)] : []),
    ...(p.to ? [eb('appointments.date', '<', p.to)] : []),
  ]);
}

function tabFilter(eb: AppointmentEb, tab: BookingTab, now: Date) {
  if (tab === 'cancelled') return eb('appointments.status', '=', 'cancelled');
  return eb.and([eb('appointments.status', '<>', 'cancelled'), eb('appointments.date', tab === 'upcoming' ? '>=' : '<', now)]);
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
      'appointments.duration_minutes as durationMinutes',
      'appointments.status',
      'appointments.service_type as serviceType',
      'appointments.technician',
      'appointments.amount_cents as amountCents',
      'appointments.notes',
      'appointments.housecallpro_job_id as housecallproJobId',
      dateKey.as('dateKey'),
    ])
    .where((eb) => customerFilters(eb, p))
    .where((eb) => tabFilter(eb, p.tab, now))
    .$if(!!p.status, (qb) => qb.where('appointments.status', '=', p.status!))
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
    items: page.map(({ dateKey: _, ...r }) => r),
    nextCursor: more && last ? encodeCursor({ date: last.dateKey, id: last.id }) : null,
  };
}

export interface TabCounts {
  upcoming: number;
  past: number;
  cancelled: number;
}

export function appointmentTabCountsQuery(db: Db, p: AppointmentFilters & { now?: Date }) {
  const now = p.now ?? new Date();
  return db
    .selectFrom('appointments')
    .select((eb) => [
      sql<number>`count(*) FILTER (WHERE ${tabFilter(eb, 'upcoming', now)})::int`.as('upcoming'),
      sql<number>`count(*) FILTER (WHERE ${tabFilter(eb, 'past', now)})::int`.as('past'),
      sql<number>`count(*) FILTER (WHERE ${tabFilter(eb, 'cancelled', now)})::int`.as('cancelled'),
    ])
    .where((eb) => customerFilters(eb, p));
}

// Index: appointments_customer_id_idx: one (Bitmap) Index Scan of the customer's rows, one Aggregate
// with three FILTERed counts (the tab labels); the date range, when set, is an Index Cond.
export async function appointmentTabCounts(db: Db, p: AppointmentFilters & { now?: Date }): Promise<TabCounts> {
  const row = await appointmentTabCountsQuery(db, p).executeTakeFirstOrThrow();
  return { upcoming: row.upcoming, past: row.past, cancelled: row.cancelled };
}
