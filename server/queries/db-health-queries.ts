import { type CompiledQuery, type RawBuilder, sql } from 'kysely';
import type { Db } from '@/db/client';
import { costByServiceQuery } from './analytics';
import { periodBounds } from './analytics-shape';
import { customerAppointmentsQuery } from './bookings';
import { searchCustomersQuery } from './bookings-search';
import { threadHistoryQuery } from './conversations';
import { listThreadsQuery } from './conversations-list';
import {
  blockingLocks,
  describeError,
  describeLock,
  type Guard,
  DEFAULT_GUARD,
  guarded,
  setLimits,
  type Trx,
} from './db-health-guard';
import { type AnalyzeSummary, captureStatement, explainAnalyzePlan, explainPlan, type PlanSummary } from './db-health-plans';
import { otpRateLimitCounts } from './identity';
import { scheduleListQuery, scheduleWindow } from './schedule';
import { businessDay } from '@/lib/business-day';
import { businessTimeZone } from '../env';

/**
 * The queries the dashboard runs, each compiled by the same function its router calls (the
 * exported builder where there is one, otherwise the executing function with its statement
 * captured unsent), with representative parameters picked from the data. So the plan shown is the
 * plan that is served.
 */
interface AppQueryDef<P> {
  id: string;
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

type AppQuery = AppQueryDef<any>;
const define = <P>(q: AppQueryDef<P>): AppQuery => q;

async function one<T>(trx: Trx, query: RawBuilder<T>): Promise<T | undefined> {
  return (await query.execute(trx)).rows[0];
}

export const APP_QUERIES: readonly AppQuery[] = [
  define({
    id: 'conversations.history',
    label: 'Conversation history (newest 50 messages)',
    source: 'server/queries/conversations.ts · threadHistoryQuery',
    tables: ['shared_thread_messages', 'shared_threads'],
    expects: ['shared_thread_messages_thread_created_idx'],
    async pick(trx) {
      // The largest thread: the worst case for a history page.
      const r = await one(trx, sql<{ id: string; n: number }>`
        select id, message_count as n from shared_threads order by message_count desc limit 1`);
      return r ? { params: { threadId: r.id, limit: 50 }, describe: `largest thread ${r.id} (${r.n} messages), first page of 50` } : null;
    },
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
    async pick(trx) {
      const r = await one(trx, sql<{ name: string }>`
        select c.name from shared_threads t join customers c on c.id = t.customer_id
         where t.last_message_at is not null order by t.last_message_at desc nulls last, t.id desc limit 1`);
      const term = r ? searchTerm(r.name) : null;
      return term ? { params: { limit: 30, search: term }, describe: `search "${term}" (from ${r!.name})` } : null;
    },
    compile: (db, p: { limit: number; search: string }) => listThreadsQuery(db, p).compile(),
  }),
  define({
    id: 'bookings.searchCustomers',
    label: 'Customer search (typeahead)',
    source: 'server/queries/bookings-search.ts · searchCustomersQuery',
    tables: ['customers', 'appointments'],
    expects: ['customers_name_trgm_idx', 'appointments_customer_id_idx'],
    async pick(trx) {
      const r = await one(trx, sql<{ name: string }>`
        select c.name from appointments a join customers c on c.id = a.customer_id order by a.id desc limit 1`);
      const term = r ? searchTerm(r.name) : null;
      return term ? { params: { q: term, limit: 10 }, describe: `"${term}" (from ${r!.name}, a customer with bookings), 10 results` } : null;
    },
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
    async pick(trx) {
      // The customer of the latest booking (a primary-key lookup, not a scan).
      const r = await one(trx, sql<{ customerId: number }>`
        select customer_id as "customerId" from appointments order by id desc limit 1`);
      return r
        ? { params: { customerId: r.customerId, tab: 'upcoming' as const, limit: 20 }, describe: `customer ${r.customerId}, upcoming tab, 20 per page` }
        : null;
    },
    compile: (db, p: { customerId: number; tab: 'upcoming'; limit: number }) => customerAppointmentsQuery(db, p).compile(),
  }),
  define({
    id: 'analytics.costByService',
    label: 'Cost by service (last 30 days)',
    source: 'server/queries/analytics.ts · costByServiceQuery',
    tables: ['api_usage', 'api_usage_daily', 'api_usage_rollup_settings'],
    expects: ['api_usage_daily_pkey', 'api_usage_analytics_idx'],
    async pick(trx) {
      // The page's default window, in the zone the rollup is cut in (the business time zone).
      const r = await one(trx, sql<{ zone: string }>`select time_zone as zone from api_usage_rollup_settings`);
      return r ? { params: { days: 30, timeZone: r.zone, now: new Date() }, describe: `30 business days to today, ${r.zone}` } : null;
    },
    compile: (db, p: { days: number; timeZone: string; now: Date }) =>
      costByServiceQuery(p.timeZone, periodBounds(p.days, p.timeZone, p.now)).compile(db),
  }),
  define({
    id: 'identity.otpRateLimitCounts',
    label: 'OTP rate-limit check',
    source: 'server/queries/identity.ts · otpRateLimitCounts (statement captured)',
    tables: ['shared_thread_pending_links'],
    expects: ['shared_thread_pending_links_rate_limit_idx'],
    async pick(trx) {
      // A destination with codes, checked just after its latest code was sent (a window with rows).
      const r = await one(trx, sql<{ destination: string; at: Date }>`
        select destination, created_at + interval '1 minute' as at from shared_thread_pending_links limit 1`);
      return r ? { params: { destination: r.destination, now: r.at }, describe: `destination ${r.destination} at ${r.at.toISOString()}` } : null;
    },
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
    compile: (db, p: { date: string; timeZone: string }) => scheduleListQuery(db, { ...scheduleWindow({ view: 'day', date: p.date }, p.timeZone), limit: 50 }).compile(),
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
];

/** A 3+ letter fragment of a name (its last word's first four letters), which the trigram indexes serve. */
function searchTerm(name: string): string | null {
  const words = name.split(/\s+/).filter((w) => /^\p{L}{3,}/u.test(w));
  const word = words.at(-1);
  return word ? word.slice(0, 4) : null;
}

export interface QueryPlanReport {
  id: string;
  label: string;
  source: string;
  expects: string[];
  /** What the representative parameters are, in words. */
  params: string | null;
  sql: string | null;
  parameters: string[];
  /** red: a big table is scanned sequentially; warn: an expected index is not used. */
  status: 'ok' | 'warn' | 'red' | 'skipped' | 'error';
  /** Why it was skipped or failed. */
  problem: string | null;
  plan: PlanSummary | null;
  /** Expected indexes the plan does not use. */
  missingExpected: string[];
}

function showParam(v: unknown): string {
  if (v instanceof Date) return v.toISOString();
  return typeof v === 'string' ? v : JSON.stringify(v);
}

async function prepare(trx: Trx, q: AppQuery) {
  const picked = await q.pick(trx);
  if (!picked) return null;
  // Compiled with the transaction: an executing function's statement is captured, never sent.
  const compiled = await q.compile(trx, picked.params);
  return { picked, compiled };
}

/** Plans of every registered query; one short guarded transaction each, so one lock skips one query. */
export async function readQueryPlans(db: Db, guard: Guard = DEFAULT_GUARD): Promise<{ data: QueryPlanReport[]; problems: string[] }> {
  const locks = await guarded(db, blockingLocks, guard);
  const problems = locks.length ? [`Some plans skipped: ${locks.map(describeLock).join('; ')}.`] : [];
  const out: QueryPlanReport[] = [];
  for (const q of APP_QUERIES) {
    const base = { id: q.id, label: q.label, source: q.source, expects: q.expects };
    const blocked = locks.filter((l) => q.tables.includes(l.table));
    if (blocked.length) {
      out.push({
        ...base,
        params: null,
        sql: null,
        parameters: [],
        status: 'skipped',
        problem: `Not planned: ${blocked.map(describeLock).join('; ')}.`,
        plan: null,
        missingExpected: [],
      });
      continue;
    }
    try {
      const report = await guarded(
        db,
        async (trx) => {
          const prepared = await prepare(trx, q);
          if (!prepared) return { ...base, params: null, sql: null, parameters: [], status: 'skipped' as const, problem: 'No data to pick parameters from.', plan: null, missingExpected: [] };
          const plan = await explainPlan(trx, prepared.compiled);
          const missingExpected = q.expects.filter((i) => !plan.indexes.includes(i));
          return {
            ...base,
            params: prepared.picked.describe,
            sql: prepared.compiled.sql,
            parameters: prepared.compiled.parameters.map(showParam),
            status: plan.red ? ('red' as const) : missingExpected.length ? ('warn' as const) : ('ok' as const),
            problem: null,
            plan,
            missingExpected,
          };
        },
        guard,
      );
      out.push(report);
    } catch (err) {
      out.push({ ...base, params: null, sql: null, parameters: [], status: 'error', problem: `Could not plan: ${describeError(err, guard)}.`, plan: null, missingExpected: [] });
    }
  }
  return { data: out, problems };
}

export interface AnalyzeReport {
  id: string;
  params: string | null;
  result: AnalyzeSummary | null;
  problem: string | null;
}

/** Generous but bounded: EXPLAIN ANALYZE runs the statement, and the user asked for it. */
export const ANALYZE_GUARD: Guard = { lockTimeoutMs: 500, statementTimeoutMs: 10_000 };

/**
 * EXPLAIN (ANALYZE, BUFFERS) of one registered query, inside a transaction that is always rolled
 * back: the statement really runs, and nothing it might write survives. Only registered queries
 * can be analyzed: the browser sends an id, never SQL.
 */
export async function explainAnalyzeQuery(db: Db, id: string, guard: Guard = ANALYZE_GUARD): Promise<AnalyzeReport | null> {
  const q = APP_QUERIES.find((x) => x.id === id);
  if (!q) return null;
  const trx = await db.startTransaction().execute();
  try {
    await setLimits(trx, guard);
    const prepared = await prepare(trx, q);
    if (!prepared) return { id, params: null, result: null, problem: 'No data to pick parameters from.' };
    return { id, params: prepared.picked.describe, result: await explainAnalyzePlan(trx, prepared.compiled), problem: null };
  } catch (err) {
    return { id, params: null, result: null, problem: `Could not run EXPLAIN ANALYZE: ${describeError(err, guard)}.` };
  } finally {
    await trx.rollback().execute();
  }
}
