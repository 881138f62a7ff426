import { costByServiceInput } from '@/lib/contract/analytics';
import { costByService } from '../queries/analytics';
import { businessTimeZone } from '../env';
import { adminProcedure, createRouter } from '../trpc';

export const analyticsRouter = createRouter({
  /** API cost per service for the last `days` complete business days, the N days before, and today so far. Admins only. */
  costByService: adminProcedure
    .input(costByServiceInput)
    // The zone is the server's (validated at start by env()); the query checks it against the
    // rollup's own zone on every call and reads raw rows instead of ever mixing two calendars.
    .query(({ ctx, input }) => costByService(ctx.db, { days: input.days, timeZone: businessTimeZone() })),
});
