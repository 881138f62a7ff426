import { TZDate } from '@date-fns/tz';
import { z } from 'zod';
import { isoDay } from '@/lib/contract/hardening';
import { businessTimeZone } from '../env';
import { conversionFunnel } from '../queries/attribution';
import { adminProcedure, createRouter } from '../trpc';

/** The longest range the funnel answers: a year (and a leap day). */
export const MAX_FUNNEL_DAYS = 366;

// A calendar day in the business time zone ("2026-03-09"); the range covers whole days.
const day = isoDay('Dates must look like 2026-03-09');

/** Midnight starting `isoDay` + `plusDays` in the business time zone, as an instant. */
function startOfBusinessDay(isoDay: string, plusDays = 0): Date {
  const [y, m, d] = isoDay.split('-').map(Number) as [number, number, number];
  return new Date(new TZDate(y, m - 1, d + plusDays, businessTimeZone()).getTime());
}

const funnelInput = z.strictObject({ from: day, to: day }).superRefine((v, ctx) => {
  if (v.from > v.to) {
    ctx.addIssue({ code: 'custom', path: ['to'], message: 'The end date must be on or after the start date' });
    return;
  }
  const days = Math.round((Date.parse(v.to) - Date.parse(v.from)) / 86_400_000) + 1;
  if (days > MAX_FUNNEL_DAYS) {
    ctx.addIssue({ code: 'custom', path: ['to'], message: `Pick at most ${MAX_FUNNEL_DAYS} days` });
  }
});

export const attributionRouter = createRouter({
  /** Visitors of [from, to] (whole business days) by source/medium/campaign, and how far they went. */
  funnel: adminProcedure.input(funnelInput).query(({ ctx, input }) =>
    conversionFunnel(ctx.db, { from: startOfBusinessDay(input.from), to: startOfBusinessDay(input.to, 1) }),
  ),
});
