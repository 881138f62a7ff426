import { type ExpressionBuilder, sql } from 'kysely';
import type { Db } from '@/db/client';
import type { AppointmentStatus, Database } from '@/db/schema';
import { addDays, startOfBusinessDay, weekStart } from '@/lib/business-day';
import { ATTENTION, type AppointmentCursor, encodeCursor, needsAttention } from '@/lib/contract/appointments';
import { type ScheduleFilters, VIEW_DAYS } from '@/lib/contract/schedule';

// The schedule: every booking of a day or a week across all customers, in the business time zone.

export interface ScheduleWindow {
  /** The business days shown, first to last ("2026-03-02" .. "2026-03-08"). */
  days: string[];
  /** [first day 00:00, the day after the last 00:00) in the business time zone. */
  from: Date;
  to: Date;
}

/** The days a view shows: the day itself, or the Monday-to-Sunday week holding it. */
export function scheduleWindow(f: Pick<ScheduleFilters, 'view' | 'date'>, timeZone: string): ScheduleWindow {
  const first = f.view === 'week' ? weekStart(f.date) : f.date;
  const n = VIEW_DAYS[f.view];
  return {
    days: Array.from({ length: n }, (_, i) => addDays(first, i)),
    from: startOfBusinessDay(first, timeZone),
    to: startOfBusinessDay(first, timeZone, n),
  };
}

export interface ScheduleQueryParams {
  from: Date;
  to: Date;
  technician?: string | null;
  status?: AppointmentStatus | null;
  serviceType?: string | null;
}

type Eb = ExpressionBuilder<Database, 'appointments'>;

/** The conditions every schedule query shares (list, day counts): the range and the filters. */
function scheduleWhere(eb: Eb, p: ScheduleQueryParams) {
  return eb.and([
    eb('appointments.date', '>=', p.from),
    eb('appointments.date', '<', p.to),
    ...(p.status ? [eb('appointments.status', '=', p.status)] : []),
    ...(p.technician ? [eb('appointments.technician', '=', p.technician)] : []),
    ...(p.serviceType ? [eb('appointments.service_type', '=', p.serviceType)] : []),
  ]);
}

/** SQL form of needsAttention() in lib/contract/appointments.ts, from the same two lists. */
function attentionSql(now: Date) {
  const status = sql.ref('appointments.status');
  return sql<boolean>`(${status} IN (${sql.join(ATTENTION.unconfirmed)})
    OR (${status} IN (${sql.join(ATTENTION.pastUnfinished)}) AND ${sql.ref('appointments.date')} < ${now}))`;
}

const dateKey = sql<string>`to_char(${sql.ref('appointments.date')} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

export function scheduleListQuery(db: Db, p: ScheduleQueryParams & { limit: number; cursor?: AppointmentCursor | null }) {
  const cursor = p.cursor;
  // The page of bookings first, from appointments alone; customers are joined to its rows only.
  const page = db
    .selectFrom('appointments')
    .select([
      'appointments.id',
      'appointments.date',
      'appointments.duration_minutes',
      'appointments.status',
      'appointments.service_type',
      'appointments.technician',
      'appointments.amount_cents',
      'appointments.customer_id',
    ])
    .where((eb) => scheduleWhere(eb, p))
    .$if(!!cursor, (qb) =>
      qb.where((eb) =>
        eb(eb.refTuple('appointments.date', 'appointments.id'), '>', eb.tuple(sql<Date>`${cursor!.date}::timestamptz`, cursor!.id)),
      ),
    )
    .orderBy('appointments.date')
    .orderBy('appointments.id')
    .limit(p.limit + 1)
    .as('appointments');
  return db
    .selectFrom(page)
    .innerJoin('customers', 'customers.id', 'appointments.customer_id')
    .selectAll('appointments')
    .select(['customers.name as customer_name', 'customers.phone as customer_phone', dateKey.as('date_key')])
    .orderBy('appointments.date')
    .orderBy('appointments.id');
}

export interface ScheduleItem {
  id: number;
  date: Date;
  durationMinutes: number;
  status: AppointmentStatus;
  serviceType: string;
  technician: string | null;
  amountCents: number | null;
  customerId: number;
  customerName: string;
  customerPhone: string | null;
  needsAttention: boolean;
}

// Index: appointments_date_idx (date) for the range, appointments_status_idx (status, date) when a
// status is chosen: Index Scan in date order with the range (and the cursor) as Index Cond,
// Incremental Sort on id, Limit; then a Nested Loop over customers_pkey for the page's rows only.
// Bookings start on the half hour, so many share a timestamp (about 135 per slot of a busy day at
// 1M appointments, 1,350 at 10M): the sort on id must read the whole first slot before it hands out
// a row. Joining customers before the limit, as this query first did, looked up every row of that
// slot (136 for a page of 50 at 1M: 0.88 ms warm); with the limit inside, 51 (0.38 ms). What still
// grows with the slot is reading it from the index and sorting it (0.05 ms for 136 rows); a
// (date, id) index would not, but it would make the guide's (date) index redundant.
export async function schedulePage(
  db: Db,
  p: ScheduleQueryParams & { limit: number; cursor?: AppointmentCursor | null; now?: Date },
): Promise<{ items: ScheduleItem[]; nextCursor: string | null }> {
  const now = p.now ?? new Date();
  const rows = await scheduleListQuery(db, p).execute();
  const more = rows.length > p.limit;
  const page = more ? rows.slice(0, p.limit) : rows;
  const last = page[page.length - 1];
  return {
    items: page.map((r) => ({
      id: r.id,
      date: r.date,
      durationMinutes: r.duration_minutes,
      status: r.status,
      serviceType: r.service_type,
      technician: r.technician,
      amountCents: r.amount_cents,
      customerId: r.customer_id,
      customerName: r.customer_name,
      customerPhone: r.customer_phone,
      needsAttention: needsAttention(r.status, r.date, now),
    })),
    nextCursor: more && last ? encodeCursor({ date: last.date_key, id: last.id }) : null,
  };
}

export function scheduleDayCountsQuery(db: Db, p: ScheduleQueryParams & { timeZone: string; now: Date }) {
  const day = sql<string>`to_char(${sql.ref('appointments.date')} AT TIME ZONE ${p.timeZone}, 'YYYY-MM-DD')`;
  return db
    .selectFrom('appointments')
    .select([
      day.as('day'),
      sql<number>`count(*)::int`.as('total'),
      sql<number>`(count(*) FILTER (WHERE ${attentionSql(p.now)}))::int`.as('attention'),
    ])
    .where((eb) => scheduleWhere(eb, p))
    .groupBy(sql`1`);
}

export interface ScheduleDay {
  day: string;
  total: number;
  needsAttention: number;
}

// Index: as the list (appointments_date_idx, or appointments_status_idx with a status), reading
// every booking of the window once: a HashAggregate by business day.
export async function scheduleDayCounts(
  db: Db,
  p: ScheduleQueryParams & { days: string[]; timeZone: string; now?: Date },
): Promise<ScheduleDay[]> {
  const rows = await scheduleDayCountsQuery(db, { ...p, now: p.now ?? new Date() }).execute();
  const byDay = new Map(rows.map((r) => [r.day, r]));
  // Empty days are days too: the week always shows seven.
  return p.days.map((d) => ({ day: d, total: byDay.get(d)?.total ?? 0, needsAttention: byDay.get(d)?.attention ?? 0 }));
}

export function scheduleFacetsQuery(db: Db, p: { from: Date; to: Date }) {
  return db
    .selectFrom('appointments')
    .select([
      'appointments.technician',
      'appointments.service_type',
      sql<number>`count(*)::int`.as('n'),
      sql<number>`grouping(${sql.ref('appointments.technician')})`.as('by_service'),
    ])
    .where('appointments.date', '>=', p.from)
    .where('appointments.date', '<', p.to)
    .groupBy(sql`GROUPING SETS ((${sql.ref('appointments.technician')}), (${sql.ref('appointments.service_type')}))`);
}

export interface ScheduleFacets {
  /** Technicians with bookings in the window (by name), with how many; unassigned ones are counted apart. */
  technicians: { name: string; count: number }[];
  unassigned: number;
  serviceTypes: { name: string; count: number }[];
}

// Index: appointments_date_idx over the window (the filter menus offer what the window holds, so a
// technician on leave this week is not offered); one scan, a HashAggregate for both grouping sets.
export async function scheduleFacets(db: Db, p: { from: Date; to: Date }): Promise<ScheduleFacets> {
  const rows = await scheduleFacetsQuery(db, p).execute();
  const byName = (a: { name: string }, b: { name: string }) => a.name.localeCompare(b.name, 'en');
  return {
    technicians: rows
      .filter((r) => !r.by_service && r.technician !== null)
      .map((r) => ({ name: r.technician!, count: r.n }))
      .sort(byName),
    unassigned: rows.find((r) => !r.by_service && r.technician === null)?.n ?? 0,
    serviceTypes: rows
      .filter((r) => r.by_service)
      .map((r) => ({ name: r.service_type, count: r.n }))
      .sort(byName),
  };
}
