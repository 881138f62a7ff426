import { TRPCError } from '@trpc/server';
import {
  alertHistoryInput,
  costByServiceInput,
  customerCostInput,
  deleteBudgetInput,
  setBudgetInput,
  threadCostInput,
  topSpendersInput,
} from '@/lib/contract/analytics';
import { costByService } from '../queries/analytics';
import { activeAlerts, alertHistory } from '../queries/analytics-alerts';
import { budgetStatus, deleteBudget, setBudget } from '../queries/analytics-budgets';
import { customerCost, threadCost, topSpenders } from '../queries/analytics-spenders';
import { businessTimeZone } from '../env';
import { adminProcedure, createRouter } from '../trpc';

export const analyticsRouter = createRouter({
  /** API cost per service for the last `days` complete business days, the N days before, and today so far. Admins only. */
  costByService: adminProcedure
    .input(costByServiceInput)
    // The zone is the server's (validated at start by env()); the query checks it against the
    // rollup's own zone on every call and reads raw rows instead of ever mixing two calendars.
    .query(({ ctx, input }) => costByService(ctx.db, { days: input.days, timeZone: businessTimeZone() })),

  /** Monthly budgets with this month's spend and projection. Admins only. */
  budgets: adminProcedure.query(({ ctx }) => budgetStatus(ctx.db, { timeZone: businessTimeZone() })),

  /** Creates or replaces the budget of one service ('*': all services). */
  setBudget: adminProcedure.input(setBudgetInput).mutation(({ ctx, input }) => setBudget(ctx.db, input, ctx.user.email)),

  deleteBudget: adminProcedure.input(deleteBudgetInput).mutation(async ({ ctx, input }) => {
    if (!(await deleteBudget(ctx.db, input.service))) throw new TRPCError({ code: 'NOT_FOUND', message: `No budget for ${input.service}` });
    return { service: input.service };
  }),

  /** What fired and when, newest first, with each delivery's state. */
  alerts: adminProcedure.input(alertHistoryInput).query(({ ctx, input }) => alertHistory(ctx.db, input)),

  /** This month's alerts and today's spikes: the dashboard banner. */
  activeAlerts: adminProcedure.query(({ ctx }) => activeAlerts(ctx.db, { timeZone: businessTimeZone() })),

  /** The threads and customers that cost most over the last `days` complete days, with their share. */
  topSpenders: adminProcedure
    .input(topSpendersInput)
    .query(({ ctx, input }) => topSpenders(ctx.db, { ...input, timeZone: businessTimeZone() })),

  /** A conversation's API cost over the last 30 complete days (the thread header). */
  threadCost: adminProcedure.input(threadCostInput).query(async ({ ctx, input }) => {
    const r = await threadCost(ctx.db, { threadId: input.threadId, days: 30, timeZone: businessTimeZone() });
    if (!r) throw new TRPCError({ code: 'NOT_FOUND', message: 'No such conversation' });
    return r;
  }),

  /** A customer's API cost over the last 30 complete days, over all their conversations (the customer card). */
  customerCost: adminProcedure.input(customerCostInput).query(async ({ ctx, input }) => {
    const r = await customerCost(ctx.db, { customerId: input.customerId, days: 30, timeZone: businessTimeZone() });
    if (!r) throw new TRPCError({ code: 'NOT_FOUND', message: 'No such customer' });
    return r;
  }),
});
