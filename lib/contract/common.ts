import { createParser } from 'nuqs/server';
import { isDay } from '@/lib/business-day';
import { calendarDay } from './hardening';

// Pieces several areas' contracts share. No server code: imported by routers, query functions and
// client components alike.

/** A calendar day in the business time zone ("2026-03-09"): on the calendar, years 0001-9999 (PostgreSQL's). */
export const isoDay = calendarDay('Dates must look like 2026-03-09');

/** A URL search param holding a real calendar day; anything else reads as absent. */
export const parseAsDay = createParser({
  parse: (v) => (isDay(v) ? v : null),
  serialize: (v: string) => v,
});
