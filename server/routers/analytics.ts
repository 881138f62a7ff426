import { z } from 'zod';
import { costByService } from '../queries/analytics';
import { businessTimeZone } from '../env';
import { adminProcedure, createRouter } from '../trpc';

export const costByServiceInput = z
  .strictObject({
    days: z
      .number({ message: 'days must be a whole number of days from 1 to 365' })
      .int('days must be a whole number of days from 1 to 365')
      .min(1, 'days must be at least 1')
      .max(365, 'days can be at most 365')
      .default(30),
  })
  .prefault({});

export const analyticsRouter = createRouter({
  /** API cost per service for the last `days` business days (today included) and the N days before. Admins only. */
  costByService: adminProcedure
    .input(costByServiceInput)
    // The zone is the server's (validated at start by env()); the query checks it against the
    // rollup's own zone on every call and reads raw rows instead of ever mixing two calendars.
    .query(({ ctx, input }) => costByService(ctx.db, { days: input.days, timeZone: businessTimeZone() })),
});
