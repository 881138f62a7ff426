import { createLoader } from 'nuqs/server';
import { z } from 'zod';
import { addDays, daysBetween } from '@/lib/business-day';
import { isoDay, parseAsDay } from './common';

// The attribution funnel's contract: the procedure input, its limits, the step names and the URL
// (?from=2026-10-01&to=2026-10-31, whole days in the business time zone). The router validates
// with `funnelInputSchema`, the query function names its steps from `FUNNEL_STEPS`, and the page
// and the client turn the URL into the same input with `funnelInputFromUrl`, so the prefetched
// query is the one hydrated.

/** The longest range the funnel answers: a year (and a leap day). */
export const MAX_FUNNEL_DAYS = 366;
export const DEFAULT_FUNNEL_DAYS = 30;
export const FUNNEL_PRESETS = [7, 30, 90, 365] as const;

export const FUNNEL_STEPS = ['visitors', 'firstMessage', 'identityLinked', 'bookingMade', 'jobCompleted'] as const;
export type FunnelStep = (typeof FUNNEL_STEPS)[number];

export const funnelInputSchema = z.strictObject({ from: isoDay, to: isoDay }).superRefine((v, ctx) => {
  if (v.from > v.to) {
    ctx.addIssue({ code: 'custom', path: ['to'], message: 'The end date must be on or after the start date' });
    return;
  }
  if (daysBetween(v.from, v.to) > MAX_FUNNEL_DAYS) {
    ctx.addIssue({ code: 'custom', path: ['to'], message: `Pick at most ${MAX_FUNNEL_DAYS} days` });
  }
});
export type FunnelInput = z.infer<typeof funnelInputSchema>;

export const attributionSearchParams = { from: parseAsDay, to: parseAsDay };
export const loadAttributionSearchParams = createLoader(attributionSearchParams);

/**
 * The procedure input for what the URL says: missing ends default to the last 30 days up to
 * `today`; a reversed range is read the right way round; more than the limit keeps the last 366 days.
 */
export function funnelInputFromUrl(p: { from: string | null; to: string | null }, today: string): FunnelInput {
  let to = p.to ?? (p.from && p.from > today ? p.from : today);
  let from = p.from ?? addDays(to, -(DEFAULT_FUNNEL_DAYS - 1));
  if (from > to) [from, to] = [to, from];
  if (daysBetween(from, to) > MAX_FUNNEL_DAYS) from = addDays(to, -(MAX_FUNNEL_DAYS - 1));
  return { from, to };
}
