import { sql } from 'kysely';
import type { Db } from '@/db/client';
import { DEFAULT_TIME_ZONE } from '@/db/seed';
import { costByService } from '@/server/queries/analytics';
import { periodBounds } from '@/server/queries/analytics-shape';
import { evaluateBudgets } from '@/server/queries/analytics-alerts';
import { computeTopSpenders, customerCost, topSpenders } from '@/server/queries/analytics-spenders';
import { costByServiceRaw, costTodayRawQuery } from './analytics-raw';
import { customerAppointments } from '@/server/queries/bookings';
import { threadHistory } from '@/server/queries/conversations';
import { otpRateLimitCounts } from '@/server/queries/identity';
import { scheduleDayCounts, scheduleFacets, schedulePage, scheduleWindow } from '@/server/queries/schedule';
import { APPOINTMENT_STATUSES } from '@/lib/contract/appointments';
import { GUIDE } from './claims';
import { attributionOperations } from './operations-attribution';
import { conversationOperations } from './operations-conversations';
import type { GuideClaim } from './types';
import { type BenchOperation, interleave, spread } from './measure';

/**
 * The guide's four operations, each through the query function the dashboard's router calls
 * (conventions: "the plan that is checked is the plan that is served"), with inputs drawn
 * deterministically from the seeded data: the same inputs for "without" and "with".
 */

export interface BenchOp<I = any> extends BenchOperation<I> {
  /** The guide's figures for this operation, if it makes a claim about it. */
  claim?: GuideClaim;
  /** The plan the guide's "Performance Testing" section expects with the indexes. */
  guidePlan?: string | null;
  /** The tRPC procedure serving this operation over HTTP, and its input for one of ours. */
  http?: { procedure: string; input(i: I): unknown };
  /** Show the plan at every size of the growth table (operations with a target at 1M and 10M). */
  planAtEverySize?: boolean;
}

/** Threads of every size, from one message to the longest, small and large alternating. */
const history: BenchOp<{ threadId: string }> = {
  key: 'history',
  label: GUIDE.operations.history.label,
  claim: GUIDE.operations.history.claim,
  guidePlan: GUIDE.operations.history.plan,
  queryFunction: 'server/queries/conversations.ts#threadHistory',
  expectedIndexes: ['shared_thread_messages_thread_created_idx'],
  async inputs(db, count) {
    const { rows } = await sql<{ id: string }>`
      select thread_id as id from shared_thread_messages group by thread_id order by count(*), thread_id`.execute(db);
    return interleave(spread(rows, count)).map((r) => ({ threadId: r.id }));
  },
  run: (db, i) => threadHistory(db, { threadId: i.threadId, limit: 50 }),
  http: { procedure: 'conversations.history', input: (i) => ({ threadId: i.threadId, limit: 50 }) },
};

/** Customers with few and with many bookings; the "Past" tab is the guide's ORDER BY date DESC. */
const bookings: BenchOp<{ customerId: number }> = {
  key: 'bookings',
  label: GUIDE.operations.bookings.label,
  claim: GUIDE.operations.bookings.claim,
  guidePlan: GUIDE.operations.bookings.plan,
  queryFunction: 'server/queries/bookings.ts#customerAppointments',
  expectedIndexes: ['appointments_customer_id_idx'],
  async inputs(db, count) {
    const { rows } = await sql<{ id: number }>`
      select customer_id as id from appointments group by customer_id order by count(*), customer_id`.execute(db);
    return interleave(spread(rows, count)).map((r) => ({ customerId: Number(r.id) }));
  },
  run: (db, i) => customerAppointments(db, { customerId: i.customerId, tab: 'past', limit: 25 }),
  http: { procedure: 'bookings.byCustomer', input: (i) => ({ customerId: i.customerId, tab: 'past', limit: 25 }) },
};

/**
 * Destinations that received few and many codes, each checked a minute after its latest code
 * (the moment a rate limit matters: someone asking again), so the windows hold rows.
 */
const otpRateLimit: BenchOp<{ destination: string; now: Date }> = {
  key: 'otpRateLimit',
  label: GUIDE.operations.otpRateLimit.label,
  claim: GUIDE.operations.otpRateLimit.claim,
  guidePlan: GUIDE.operations.otpRateLimit.plan,
  queryFunction: 'server/queries/identity.ts#otpRateLimitCounts',
  expectedIndexes: ['shared_thread_pending_links_rate_limit_idx'],
  async inputs(db, count) {
    const { rows } = await sql<{ destination: string; latest: Date }>`
      select destination, max(created_at) as latest from shared_thread_pending_links
      group by destination order by count(*), destination`.execute(db);
    return interleave(spread(rows, count)).map((r) => ({ destination: r.destination, now: new Date(r.latest.getTime() + 60_000) }));
  },
  run: (db, i) => otpRateLimitCounts(db, { destination: i.destination, now: i.now }),
};

export function benchOperations(): BenchOp[] {
  return [
    history,
    bookings,
    ...analyticsOperations(),
    otpRateLimit,
    ...conversationOperations(),
    ...scheduleOperations(),
    ...attributionOperations(),
  ];
}

/**
 * Cost by service over 30 business days, as the admin's cost page asks for it, "now" stepping back
 * 5 hours at a time from the seed's anchor (windows that start and end at different hours). The
 * function also reads the previous 30 days (for the comparison) and the month so far.
 */
async function analyticsInputs(db: Db, count: number): Promise<{ now: Date }[]> {
  const { rows } = await sql<{ latest: Date | null }>`select max(created_at) as latest from api_usage`.execute(db);
  const latest = rows[0]?.latest ?? new Date();
  return Array.from({ length: count }, (_, k) => ({ now: new Date(latest.getTime() - k * 5 * 3_600_000) }));
}

const costParams = (i: { now: Date }) => ({ days: 30, timeZone: DEFAULT_TIME_ZONE, now: i.now });

/** What the dashboard serves: every day of both periods from the rollup (0005), today included. */
const costByServiceOp: BenchOp<{ now: Date }> = {
  key: 'costByService',
  label: `${GUIDE.operations.costByService.label} (dashboard: daily rollup)`,
  // No claim: the guide's claim is about its query over api_usage (costByServiceRaw below).
  queryFunction: 'server/queries/analytics.ts#costByService',
  // The rollup's own primary key, not 0002's: the two sides should match.
  expectedIndexes: [],
  inputs: analyticsInputs,
  run: (db, i) => costByService(db, costParams(i)),
  http: { procedure: 'analytics.costByService', input: () => ({ days: 30 }) },
};

/** The guide's query: every row of the window aggregated from api_usage (the rollup's baseline). */
const costByServiceRawOp: BenchOp<{ now: Date }> = {
  key: 'costByServiceRaw',
  label: `${GUIDE.operations.costByService.label} (raw aggregate)`,
  claim: GUIDE.operations.costByService.claim,
  guidePlan: GUIDE.operations.costByService.plan,
  queryFunction: 'bench/analytics-raw.ts#costByServiceRaw',
  expectedIndexes: ['api_usage_analytics_idx'],
  inputs: analyticsInputs,
  run: (db, i) => costByServiceRaw(db, costParams(i)),
};

/**
 * One business day's rows aggregated from api_usage: what issue 11's design read on top of the
 * rollup for the still-open day. Not served; measured to show what reading today from the rollup
 * saves, and how it grows with the rows per day.
 */
const costTodayRawOp: BenchOp<{ now: Date }> = {
  key: 'costTodayRaw',
  label: "Admin cost analytics: one day's rows from api_usage (issue 11's today read)",
  queryFunction: 'bench/analytics-raw.ts#costTodayRawQuery',
  expectedIndexes: ['api_usage_analytics_idx'],
  inputs: analyticsInputs,
  run: (db, i) => costTodayRawQuery(DEFAULT_TIME_ZONE, periodBounds(1, DEFAULT_TIME_ZONE, i.now)).execute(db),
};

/**
 * Issue 21: the customers and conversations that cost most over 30 complete days (target: median
 * at most 5 ms at 1M and 10M rows), as served: the window's answer from
 * api_usage_top_spenders_cache (0025_top_spenders_cache), one lookup in a table of a few rows. The warm-up
 * calls store each window's answer; a write inside a window (none in this phase) would delete it.
 * The report shows its plan at every size of the growth table.
 */
const topSpendersOp: BenchOp<{ now: Date }> = {
  key: 'topSpenders',
  label: 'Cost analytics: top customers and conversations by cost, 30 days (target ≤ 5 ms at 1M and 10M)',
  queryFunction: 'server/queries/analytics-spenders.ts#topSpenders',
  // The cache's own primary key, not 0002's: the two sides should match.
  expectedIndexes: [],
  planAtEverySize: true,
  inputs: analyticsInputs,
  run: (db, i) => topSpenders(db, { days: 30, timeZone: DEFAULT_TIME_ZONE, now: i.now, limit: 10 }),
};

/**
 * The same answer computed, as on a cache miss (the first request of a business day, or the first
 * after a late write): the (day, thread) rollup's window aggregated per thread and per customer.
 */
const topSpendersComputeOp: BenchOp<{ now: Date }> = {
  key: 'topSpendersCompute',
  label: 'Cost analytics: top customers and conversations by cost, 30 days, cache miss (computed from the rollup)',
  queryFunction: 'server/queries/analytics-spenders.ts#computeTopSpenders',
  expectedIndexes: [],
  planAtEverySize: true,
  inputs: analyticsInputs,
  run: (db, i) => computeTopSpenders(db, { days: 30, timeZone: DEFAULT_TIME_ZONE, now: i.now, limit: 50 }),
};

/** Issue 21: one customer's 30-day cost over all their conversations (the customer card). */
const customerCostOp: BenchOp<{ now: Date; customerId: number }> = {
  key: 'customerCost',
  label: "Cost analytics: one customer's 30-day API cost (customer card)",
  queryFunction: 'server/queries/analytics-spenders.ts#customerCost',
  expectedIndexes: [],
  planAtEverySize: true,
  inputs: async (db, count) => {
    const base = await analyticsInputs(db, count);
    const { rows } = await sql<{ id: number }>`
      SELECT customer_id::int AS id FROM shared_threads WHERE customer_id IS NOT NULL ORDER BY hashint8(customer_id) LIMIT ${count}`.execute(
      db,
    );
    return base.map((b, k) => ({ ...b, customerId: rows[k % Math.max(1, rows.length)]?.id ?? 1 }));
  },
  run: (db, i) => customerCost(db, { days: 30, timeZone: DEFAULT_TIME_ZONE, now: i.now, customerId: i.customerId }),
};

/**
 * Issue 21: one pass of the budget check (`npm run alerts`, and the worker every minute): the
 * month's spend per service from the daily rollup and the budgets. No budgets are set in the
 * bench's data, so nothing fires and it writes nothing. It runs on a schedule, not on insert:
 * inserts into api_usage pay nothing for it (the write-cost table's trigger columns say so).
 */
const budgetEvaluationOp: BenchOp<{ now: Date }> = {
  key: 'budgetEvaluation',
  label: 'Cost alerts: one budget evaluation pass (scheduled, every minute)',
  queryFunction: 'server/queries/analytics-alerts.ts#evaluateBudgets',
  expectedIndexes: [],
  inputs: analyticsInputs,
  run: (db, i) => evaluateBudgets(db, { timeZone: DEFAULT_TIME_ZONE, now: i.now, channels: [] }),
};

function analyticsOperations(): BenchOp[] {
  return [costByServiceOp, costByServiceRawOp, costTodayRawOp, topSpendersOp, topSpendersComputeOp, customerCostOp, budgetEvaluationOp];
}

/**
 * Business days of the seeded range, from the quietest to the busiest (Sundays, far-future days,
 * summer weekdays), spread and interleaved: the schedule's day and week views over all of them.
 */
async function scheduleDays(db: Db, count: number): Promise<string[]> {
  const { rows } = await sql<{ day: string }>`
    select to_char((date at time zone ${DEFAULT_TIME_ZONE})::date, 'YYYY-MM-DD') as day
      from appointments group by 1 order by count(*), 1`.execute(db);
  return interleave(spread(rows, count)).map((r) => r.day);
}

const schedulePageParams = (i: { view: 'day' | 'week'; date: string; status?: (typeof APPOINTMENT_STATUSES)[number] }) => ({
  ...scheduleWindow(i, DEFAULT_TIME_ZONE),
  status: i.status ?? null,
  limit: 50,
});

/** The Schedule page's first screen for one day: the first 50 bookings in time order. */
const scheduleDay: BenchOp<{ view: 'day'; date: string }> = {
  key: 'scheduleDay',
  label: 'Schedule: one day, first page of 50 (all customers)',
  queryFunction: 'server/queries/schedule.ts#schedulePage',
  expectedIndexes: ['appointments_date_idx'],
  async inputs(db, count) {
    return (await scheduleDays(db, count)).map((date) => ({ view: 'day' as const, date }));
  },
  run: (db, i) => schedulePage(db, schedulePageParams(i)),
  http: { procedure: 'schedule.list', input: (i) => ({ view: 'day', date: i.date }) },
};

/** One week filtered by a status (each status in turn): the guide's "status filtering" index. */
const scheduleWeekStatus: BenchOp<{ view: 'week'; date: string; status: (typeof APPOINTMENT_STATUSES)[number] }> = {
  key: 'scheduleWeekStatus',
  label: 'Schedule: one week with a status filter, first page of 50',
  queryFunction: 'server/queries/schedule.ts#schedulePage',
  expectedIndexes: ['appointments_status_idx'],
  async inputs(db, count) {
    return (await scheduleDays(db, count)).map((date, k) => ({
      view: 'week' as const,
      date,
      status: APPOINTMENT_STATUSES[k % APPOINTMENT_STATUSES.length]!,
    }));
  },
  run: (db, i) => schedulePage(db, schedulePageParams(i)),
  http: { procedure: 'schedule.list', input: (i) => ({ view: 'week', date: i.date, status: i.status }) },
};

/** The week's header: bookings per day and the filter menus (every booking of the week read once). */
const scheduleWeekSummary: BenchOp<{ view: 'week'; date: string }> = {
  key: 'scheduleWeekSummary',
  label: 'Schedule: one week, counts per day and filter choices',
  queryFunction: 'server/queries/schedule.ts#scheduleDayCounts',
  expectedIndexes: ['appointments_date_idx'],
  async inputs(db, count) {
    return (await scheduleDays(db, count)).map((date) => ({ view: 'week' as const, date }));
  },
  run: (db, i) => {
    const w = scheduleWindow(i, DEFAULT_TIME_ZONE);
    return Promise.all([scheduleDayCounts(db, { ...w, timeZone: DEFAULT_TIME_ZONE }), scheduleFacets(db, w)]);
  },
  http: { procedure: 'schedule.summary', input: (i) => ({ view: 'week', date: i.date }) },
};

function scheduleOperations(): BenchOp[] {
  return [scheduleDay, scheduleWeekStatus, scheduleWeekSummary];
}
