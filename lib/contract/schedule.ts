import { createParser, parseAsString, parseAsStringLiteral } from 'nuqs/server';
import { z } from 'zod';
import { isDay } from '@/lib/business-day';
import { APPOINTMENT_STATUSES, appointmentStatus, cursorInput } from './appointments';

// The Schedule page's contract: the procedure inputs and the URL (?view=week&date=2026-03-02
// &technician=Grace%20Kim&status=scheduled&service=Drain%20cleaning). One definition for the
// router (validation), the server page (prefetch) and the client (useQueryStates), so all three
// build the same query keys and a shared link shows the same view.

export const SCHEDULE_VIEWS = ['day', 'week'] as const;
export type ScheduleView = (typeof SCHEDULE_VIEWS)[number];
export const VIEW_DAYS: Record<ScheduleView, number> = { day: 1, week: 7 };

export const SCHEDULE_PAGE_SIZE = 50;
/** Years a date may name: anything else is a typo, not a schedule. */
const MIN_YEAR = 2000;
const MAX_YEAR = 2100;

export function isScheduleDay(s: string): boolean {
  if (!isDay(s)) return false;
  const y = Number(s.slice(0, 4));
  return y >= MIN_YEAR && y <= MAX_YEAR;
}

const scheduleDay = z
  .string({ error: 'date must be text like 2026-03-09' })
  .refine(isScheduleDay, `date must be a calendar day like 2026-03-09, between ${MIN_YEAR} and ${MAX_YEAR}`);

/** A free-text name (technician, service type) as stored: compared exactly, quotes and all. */
const name = (what: string) =>
  z
    .string({ error: `${what} must be text` })
    .trim()
    .min(1, `${what} is empty`)
    .max(100, `${what} is too long (100 characters at most)`);

export const scheduleFilters = z.strictObject({
  view: z.enum(SCHEDULE_VIEWS, { error: 'view must be day or week' }).default('day'),
  /** The day shown, or any day of the week shown (the week starts on its Monday). */
  date: scheduleDay,
  technician: name('technician').nullish(),
  status: appointmentStatus.nullish(),
  serviceType: name('serviceType').nullish(),
});
export type ScheduleFilters = z.infer<typeof scheduleFilters>;

export const scheduleListInput = scheduleFilters.extend({
  limit: z
    .number({ error: 'limit must be a number' })
    .int('limit must be a whole number')
    .min(1, 'limit must be at least 1')
    .max(200, 'limit must be at most 200')
    .default(SCHEDULE_PAGE_SIZE),
  cursor: cursorInput.nullish(),
  /** Sent by TanStack infinite queries; only forward paging exists. */
  direction: z.literal('forward', { error: 'Only forward paging is supported' }).optional(),
});
export type ScheduleListInput = z.input<typeof scheduleListInput>;

// --- URL -------------------------------------------------------------------------------------

const parseAsScheduleDay = createParser({ parse: (v) => (isScheduleDay(v) ? v : null), serialize: (v: string) => v });

export const scheduleSearchParams = {
  view: parseAsStringLiteral(SCHEDULE_VIEWS).withDefault('day'),
  date: parseAsScheduleDay,
  technician: parseAsString,
  status: parseAsStringLiteral(APPOINTMENT_STATUSES),
  service: parseAsString,
};

/** The keys "Clear filters" empties (view and date stay). */
export const SCHEDULE_FILTER_KEYS = ['technician', 'status', 'service'] as const;

export interface ScheduleUrlState {
  view: ScheduleView;
  date: string | null;
  technician: string | null;
  status: (typeof APPOINTMENT_STATUSES)[number] | null;
  service: string | null;
}

/** The procedures' input for the URL's state; `today` (the business day now) when the URL has no date. */
export function scheduleInput(s: ScheduleUrlState, today: string): ScheduleFilters {
  const clean = (v: string | null) => v?.trim().slice(0, 100) || null;
  return { view: s.view, date: s.date ?? today, technician: clean(s.technician), status: s.status, serviceType: clean(s.service) };
}
