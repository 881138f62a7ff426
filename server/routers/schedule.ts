import { decodeCursor } from '@/lib/contract/appointments';
import { scheduleFilters, scheduleListInput } from '@/lib/contract/schedule';
import { businessTimeZone } from '../env';
import { scheduleDayCounts, scheduleFacets, schedulePage, scheduleWindow } from '../queries/schedule';
import { authedProcedure, createRouter, onReplica } from '../trpc';

export const scheduleRouter = createRouter({
  /** One page of the day's or week's bookings, in time order (pass nextCursor back as cursor). */
  list: authedProcedure
    .use(onReplica)
    .input(scheduleListInput)
    .query(({ ctx, input }) => {
      const { from, to } = scheduleWindow(input, businessTimeZone());
      // The contract has checked the cursor's shape, so it decodes.
      return schedulePage(ctx.db, { ...input, from, to, cursor: input.cursor ? decodeCursor(input.cursor) : null });
    }),

  /** Bookings per day of the view (with the same filters), and the filter menus' choices. */
  summary: authedProcedure
    .use(onReplica)
    .input(scheduleFilters)
    .query(async ({ ctx, input }) => {
      const timeZone = businessTimeZone();
      const window = scheduleWindow(input, timeZone);
      const [days, facets] = await Promise.all([
        scheduleDayCounts(ctx.db, { ...input, ...window, timeZone }),
        scheduleFacets(ctx.db, window),
      ]);
      return { days, ...facets };
    }),
});
