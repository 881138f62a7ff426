import { TRPCError } from '@trpc/server';
import { alertHistoryInput, costByServiceInput, deleteBudgetInput, setBudgetInput } from '@/lib/contract/analytics';
import { costByService } from '../queries/analytics';
import { activeAlerts, alertHistory } from '../queries/analytics-alerts';
import { budgetStatus, deleteBudget, setBudget } from '../queries/analytics-budgets';
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
});
