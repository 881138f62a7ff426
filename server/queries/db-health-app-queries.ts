import { type CompiledQuery, type RawBuilder, sql } from 'kysely';
import type { Db } from '@/db/client';
import { businessDay } from '@/lib/business-day';
import type { AppQueryId } from '@/lib/contract/database';
import { businessTimeZone } from '../env';
import { costByServiceQuery } from './analytics';
import { periodBounds } from './analytics-shape';
import { customerAppointmentsQuery } from './bookings';
import { searchCustomersQuery } from './bookings-search';
import { threadHistoryQuery } from './conversations';
import { listThreadsQuery } from './conversations-list';
import type { Trx } from './db-health-guard';
import { captureStatement } from './db-health-plans';
import { otpRateLimitCounts } from './identity';
import { scheduleDayCountsQuery, scheduleListQuery, scheduleWindow } from './schedule';

/**
 * The queries the dashboard runs, each compiled by the same function its router calls (the
 * exported builder where there is one, otherwise the executing function with its statement
 * captured unsent), with representative parameters picked from the data. So the plan shown is the
 * plan that is served.
 */
interface AppQueryDef<P> {
  id: AppQueryId;
  label: string;
  /** Where the query lives, for the person reading the plan. */
  source: string;
  /** Every table the statement (and the parameter pick) reads: skipped while one is locked. */
  tables: string[];
  /** The index(es) its comment says it relies on. */
  expects: string[];
  /** Representative parameters from the data; null when there is nothing to pick. */
  pick(trx: Trx): Promise<{ params: P; describe: string } | null>;
  compile(db: Db, params: P): CompiledQuery | Promise<CompiledQuery>;
}

export type AppQuery = AppQueryDef<any>;
const define = <P>(q: AppQueryDef<P>): AppQuery => q;

type Picked<P> = { params: P; describe: string } | null;

/** A pick from one row of the data (null, and the entry is skipped, when the query finds none). */
const fromRow =
  <T, P>(query: RawBuilder<T>, make: (row: T) => Picked<P>) =>
  async (trx: Trx): Promise<Picked<P>> => {
    const row = (await query.execute(trx)).rows[0];
    return row ? make(row) : null;
  };

/** A pick from a customer's name: a 3+ letter fragment of it, as a person would type it. */
const fromName = <P>(query: RawBuilder<{ name: string }>, make: (term: string, name: string) => Picked<P>) =>
  fromRow(query, (r) => {
    const term = searchTerm(r.name);
    return term ? make(term, r.name) : null;
  });

export const APP_QUERIES: readonly AppQuery[] = [
  define({
    id: 'conversations.history',
    label: 'Conversation history (newest 50 messages)',
    source: 'server/queries/conversations.ts · threadHistoryQuery',
    tables: ['shared_thread_messages', 'shared_threads'],
    expects: ['shared_thread_messages_thread_created_idx'],
    // The largest thread: the worst case for a history page.
    pick: fromRow(
      sql<{ id: string; n: number }>`select id, message_count as n from shared_threads order by message_count desc limit 1`,
      (r) => ({
        params: { threadId: r.id, limit: 50 },
        describe: `largest thread ${r.id} (${r.n} messages), first page of 50`,
      }),
    ),
    compile: (db, p: { threadId: string; limit: number }) => threadHistoryQuery(db, p).compile(),
  }),
  define({
    id: 'conversations.list',
    label: 'Thread list (most recent activity first)',
    source: 'server/queries/conversations.ts · listThreadsQuery',
    tables: ['shared_threads', 'customers'],
    expects: ['shared_threads_last_message_idx'],
    async pick() {
      return { params: { limit: 30 }, describe: 'first page of 30, no filter' };
    },
    compile: (db, p: { limit: number }) => listThreadsQuery(db, p).compile(),
  }),
  define({
    id: 'conversations.list.search',
    label: 'Thread list searched by customer name',
    source: 'server/queries/conversations.ts · listThreadsQuery',
    tables: ['shared_threads', 'customers'],
    expects: ['customers_name_trgm_idx', 'shared_threads_customer_id_idx'],
    pick: fromName(
      sql<{ name: string }>`
        select c.name from shared_threads t join customers c on c.id = t.customer_id
         where t.last_message_at is not null order by t.last_message_at desc nulls last, t.id desc limit 1`,
      (term, name) => ({ params: { limit: 30, search: term }, describe: `search "${term}" (from ${name})` }),
    ),
    compile: (db, p: { limit: number; search: string }) => listThreadsQuery(db, p).compile(),
  }),
  define({
    id: 'bookings.searchCustomers',
    label: 'Customer search (typeahead)',
    source: 'server/queries/bookings-search.ts · searchCustomersQuery',
    tables: ['customers', 'appointments'],
    expects: ['customers_name_trgm_idx', 'appointments_customer_id_idx'],
    pick: fromName(
      sql<{ name: string }>`select c.name from appointments a join customers c on c.id = a.customer_id order by a.id desc limit 1`,
      (term, name) => ({ params: { q: term, limit: 10 }, describe: `"${term}" (from ${name}, a customer with bookings), 10 results` }),
    ),
    compile: (db, p: { q: string; limit: number }) => {
      const query = searchCustomersQuery(db, p);
      if (!query) throw new Error(`"${p.q}" is too short to search`);
      return query.compile();
    },
  }),
  define({
    id: 'bookings.byCustomer',
    label: "A customer's bookings (upcoming tab)",
    source: 'server/queries/bookings.ts · customerAppointmentsQuery',
    tables: ['appointments'],
    expects: ['appointments_customer_id_idx'],
    // The customer of the latest booking (a primary-key lookup, not a scan).
    pick: fromRow(sql<{ customerId: number }>`select customer_id as "customerId" from appointments order by id desc limit 1`, (r) => ({
      params: { customerId: r.customerId, tab: 'upcoming' as const, limit: 20 },
      describe: `customer ${r.customerId}, upcoming tab, 20 per page`,
    })),
    compile: (db, p: { customerId: number; tab: 'upcoming'; limit: number }) => customerAppointmentsQuery(db, p).compile(),
  }),
  define({
    id: 'analytics.costByService',
    label: 'Cost by service (last 30 days)',
    source: 'server/queries/analytics.ts · costByServiceQuery',
    tables: ['api_usage', 'api_usage_daily', 'api_usage_rollup_settings'],
    // The page reads every day of its window from the daily rollup (0005), by design: the raw rows'
    // api_usage_analytics_idx serves only the consistency check, so its absence here is no warning.
    expects: ['api_usage_daily_pkey'],
    // The page's default window, in the zone the rollup is cut in (the business time zone).
    pick: fromRow(sql<{ zone: string }>`select time_zone as zone from api_usage_rollup_settings`, (r) => ({
      params: { days: 30, timeZone: r.zone, now: new Date() },
      describe: `30 business days to today, ${r.zone}`,
    })),
    compile: (db, p: { days: number; timeZone: string; now: Date }) =>
      costByServiceQuery(p.timeZone, periodBounds(p.days, p.timeZone, p.now)).compile(db),
  }),
  define({
    id: 'identity.otpRateLimitCounts',
    label: 'OTP rate-limit check',
    source: 'server/queries/identity.ts · otpRateLimitCounts (statement captured)',
    tables: ['shared_thread_pending_links'],
    expects: ['shared_thread_pending_links_rate_limit_idx'],
    // A destination with codes, checked just after its latest code was sent (a window with rows).
    pick: fromRow(
      sql<{ destination: string; at: Date }>`
        select destination, created_at + interval '1 minute' as at from shared_thread_pending_links limit 1`,
      (r) => ({ params: { destination: r.destination, now: r.at }, describe: `destination ${r.destination} at ${r.at.toISOString()}` }),
    ),
    compile: (db, p: { destination: string; now: Date }) => captureStatement(db, (spy) => otpRateLimitCounts(spy, p)),
  }),
  define({
    id: 'schedule.day',
    label: "Schedule: today's bookings (first page)",
    source: 'server/queries/schedule.ts · scheduleListQuery',
    tables: ['appointments', 'customers'],
    expects: ['appointments_date_idx'],
    async pick() {
      const timeZone = businessTimeZone();
      const date = businessDay(timeZone, new Date());
      return { params: { date, timeZone }, describe: `${date} in ${timeZone}, 50 per page` };
    },
    compile: (db, p: { date: string; timeZone: string }) =>
      scheduleListQuery(db, { ...scheduleWindow({ view: 'day', date: p.date }, p.timeZone), limit: 50 }).compile(),
  }),
  define({
    id: 'schedule.weekStatus',
    label: 'Schedule: this week, confirmed only (first page)',
    source: 'server/queries/schedule.ts · scheduleListQuery',
    tables: ['appointments', 'customers'],
    expects: ['appointments_status_idx'],
    async pick() {
      const timeZone = businessTimeZone();
      const date = businessDay(timeZone, new Date());
      return { params: { date, timeZone }, describe: `the week of ${date} in ${timeZone}, status confirmed, 50 per page` };
    },
    compile: (db, p: { date: string; timeZone: string }) =>
      scheduleListQuery(db, { ...scheduleWindow({ view: 'week', date: p.date }, p.timeZone), status: 'confirmed', limit: 50 }).compile(),
  }),
  define({
    id: 'schedule.weekCounts',
    label: 'Schedule: bookings per day of this week',
    source: 'server/queries/schedule.ts · scheduleDayCountsQuery',
    tables: ['appointments'],
    expects: ['appointments_date_idx'],
    pick: async () => thisWeek(''),
    compile: (db, p: WeekPick) => weekCounts(db, p, null),
  }),
  define({
    id: 'schedule.weekCountsStatus',
    label: 'Schedule: bookings per day of this week, unconfirmed only',
    source: 'server/queries/schedule.ts · scheduleDayCountsQuery',
    tables: ['appointments'],
    expects: ['appointments_status_idx'],
    pick: async () => thisWeek(', status scheduled'),
    compile: (db, p: WeekPick) => weekCounts(db, p, 'scheduled'),
  }),
];

/** A 3+ letter fragment of a name (its last word's first four letters), which the trigram indexes serve. */
function searchTerm(name: string): string | null {
  const words = name.split(/\s+/).filter((w) => /^\p{L}{3,}/u.test(w));
  const word = words.at(-1);
  return word ? word.slice(0, 4) : null;
}

interface WeekPick {
  date: string;
  timeZone: string;
}

/** The week of today in the business time zone, as the Schedule's week view opens. */
function thisWeek(suffix: string): Picked<WeekPick> {
  const timeZone = businessTimeZone();
  const date = businessDay(timeZone, new Date());
  return { params: { date, timeZone }, describe: `the week of ${date} in ${timeZone}${suffix}` };
}

function weekCounts(db: Db, p: WeekPick, status: 'scheduled' | null) {
  const window = scheduleWindow({ view: 'week', date: p.date }, p.timeZone);
  return scheduleDayCountsQuery(db, { ...window, status, timeZone: p.timeZone, now: new Date() }).compile();
}
