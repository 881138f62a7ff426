import { startOfBusinessDay } from '@/lib/business-day';
import { funnelInputSchema } from '@/lib/contract/attribution';
import { businessTimeZone } from '../env';
import { conversionFunnel } from '../queries/attribution';
import { adminProcedure, createRouter } from '../trpc';

export const attributionRouter = createRouter({
  /** Visitors of [from, to] (whole business days) by source/medium/campaign, and how far they went. */
  funnel: adminProcedure.input(funnelInputSchema).query(({ ctx, input }) => {
    const tz = businessTimeZone();
    return conversionFunnel(ctx.db, { from: startOfBusinessDay(input.from, tz), to: startOfBusinessDay(input.to, tz, 1) });
  }),
});
