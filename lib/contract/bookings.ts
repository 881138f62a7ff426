import { createLoader, createParser, type inferParserType, parseAsString, parseAsStringLiteral } from 'nuqs/server';
import { z } from 'zod';
import type { AppointmentStatus } from '@/db/schema';
import { APPOINTMENT_STATUSES, appointmentStatus, cursorInput } from './appointments';
import { isoDay, parseAsDay } from './common';

// The bookings screen's contract: procedure inputs, the tab/status rule, and the URL
// (?customer=42&tab=past&status=completed&technician=Grace%20Kim&from=..&to=..). The router
// validates with these schemas, the query functions take their types, and the server page and the
// client build the same inputs from the URL with the same helpers.

/**
 * The tabs partition a customer's appointments: every appointment is in exactly one tab.
 *  - cancelled: status = 'cancelled', whatever the date.
 *  - upcoming:  not cancelled and date >= now (soonest first).
 *  - past:      not cancelled and date <  now (newest first), including a scheduled job whose date
 *               passed without an update: it shows with its status, never vanishes.
 */
export const BOOKING_TABS = ['upcoming', 'past', 'cancelled'] as const;
export type BookingTab = (typeof BOOKING_TABS)[number];

/** The statuses a tab can hold: what its status filter offers, and what the router accepts. */
export const TAB_STATUSES: Record<BookingTab, readonly AppointmentStatus[]> = {
  upcoming: ['scheduled', 'confirmed', 'in_progress'],
  past: ['completed', 'no_show', 'in_progress', 'scheduled', 'confirmed'],
  cancelled: ['cancelled'],
};

// --- Procedure inputs ------------------------------------------------------------------------

/** Ids are bigint in the database; anything that is not a positive safe integer never reaches SQL. */
export const customerId = z
  .number({ error: 'customerId must be a number' })
  .int('customerId must be a whole number')
  .positive('customerId must be positive')
  .max(Number.MAX_SAFE_INTEGER, 'customerId is too large');

const limit = (fallback: number) =>
  z
    .number({ error: 'limit must be a number' })
    .int('limit must be a whole number')
    .min(1, 'limit must be at least 1')
    .max(100, 'limit must be at most 100')
    .default(fallback);

const dateRange = { from: isoDay.nullish(), to: isoDay.nullish() };

/** A technician's name as stored: compared exactly, quotes and all. */
const technician = z
  .string({ error: 'technician must be text' })
  .trim()
  .min(1, 'technician is empty')
  .max(100, 'technician is too long (100 characters at most)');

function checkRange(v: { from?: string | null; to?: string | null }, ctx: z.RefinementCtx) {
  if (v.from && v.to && v.from > v.to)
    ctx.addIssue({ code: 'custom', path: ['to'], message: 'The end date must be on or after the start date' });
}

export const searchCustomersInput = z.strictObject({
  q: z
    .string({ error: 'q must be text' })
    .trim()
    .min(1, 'Type something to search')
    .max(100, 'Search text is too long (100 characters at most)'),
  limit: limit(10),
  /** The previous page's nextCursor ("Show more"). */
  cursor: z
    .strictObject(
      { rank: z.number().int().min(0).max(3), sortName: z.string().max(200), id: z.number().int().positive().max(Number.MAX_SAFE_INTEGER) },
      { error: 'cursor is malformed' },
    )
    .nullish(),
  direction: z.literal('forward', { error: 'Only forward paging is supported' }).optional(),
});

export const customerInput = z.strictObject({ customerId });

/**
 * What narrows a customer's appointments, for the list and the tab counts alike. A new filter is one
 * line here, one parser in bookingsFilterParams, one line in appointmentFilters below, and one
 * condition in the query's customerFilters (server/queries/bookings.ts); the router passes filters
 * through untouched.
 */
const filters = { ...dateRange, technician: technician.nullish() };

export const tabCountsInput = z.strictObject({ customerId, ...filters }).superRefine(checkRange);

export const byCustomerInput = z
  .strictObject({
    customerId,
    tab: z.enum(BOOKING_TABS, { error: 'tab must be upcoming, past or cancelled' }).default('upcoming'),
    status: appointmentStatus.nullish(),
    ...filters,
    limit: limit(20),
    /** Opaque keyset cursor from the previous page's nextCursor. */
    cursor: cursorInput.nullish(),
    /** Sent by TanStack infinite queries; only forward paging exists. */
    direction: z.literal('forward', { error: 'Only forward paging is supported' }).optional(),
  })
  .superRefine((v, ctx) => {
    checkRange(v, ctx);
    if (v.status && !TAB_STATUSES[v.tab].includes(v.status)) {
      ctx.addIssue({
        code: 'custom',
        path: ['status'],
        message:
          v.tab === 'cancelled'
            ? 'The cancelled tab holds only cancelled appointments'
            : `Cancelled appointments are on the cancelled tab, not ${v.tab}`,
      });
    }
  });

// --- URL -------------------------------------------------------------------------------------

/** A positive safe integer written plainly ("12abc", "1e3", "-1" are not ids). */
const parseAsId = createParser({
  parse: (v) => {
    if (!/^[1-9]\d{0,15}$/.test(v)) return null;
    const n = Number(v);
    return Number.isSafeInteger(n) ? n : null;
  },
  serialize: (n: number) => String(n),
});

/** The filters in the URL: what "clear filters" empties and a new customer starts without. */
export const bookingsFilterParams = {
  status: parseAsStringLiteral(APPOINTMENT_STATUSES),
  technician: parseAsString,
  from: parseAsDay,
  to: parseAsDay,
};

export const bookingsSearchParams = {
  customer: parseAsId,
  tab: parseAsStringLiteral(BOOKING_TABS).withDefault('upcoming'),
  ...bookingsFilterParams,
};
export const loadBookingsSearchParams = createLoader(bookingsSearchParams);

/** The URL's state, as the parsers give it (one declaration: the parsers above). */
export type BookingsParams = inferParserType<typeof bookingsSearchParams>;

/** Every filter set to null: "clear filters", and where a newly chosen customer starts. */
export const NO_FILTERS = Object.fromEntries(Object.keys(bookingsFilterParams).map((k) => [k, null])) as {
  [K in keyof typeof bookingsFilterParams]: null;
};

export const APPOINTMENTS_PAGE_SIZE = 20;
export const SEARCH_LIMIT = 8;

/** The URL's range, made valid: a reversed range is read the right way round. */
export function dateRangeOf(p: Pick<BookingsParams, 'from' | 'to'>): { from: string | null; to: string | null } {
  if (p.from && p.to && p.from > p.to) return { from: p.to, to: p.from };
  return { from: p.from, to: p.to };
}

/** A status the tab cannot hold (e.g. ?tab=upcoming&status=cancelled from an edited link) is ignored. */
export function effectiveStatus(p: Pick<BookingsParams, 'tab' | 'status'>): AppointmentStatus | null {
  return p.status && STATUS_FILTER_OPTIONS[p.tab].includes(p.status) ? p.status : null;
}

const cleanTechnician = (t: string | null) => t?.trim().slice(0, 100) || null;

/** The URL's filters as the list and the tab counts both take them (the one place they are listed). */
export function appointmentFilters(p: Omit<BookingsParams, 'customer' | 'tab' | 'status'>) {
  return { technician: cleanTechnician(p.technician), ...dateRangeOf(p) };
}

/** Whether anything narrows the list: the status the tab can hold, or any filter. */
export function isFiltered(p: Omit<BookingsParams, 'customer'>): boolean {
  return effectiveStatus(p) !== null || Object.values(appointmentFilters(p)).some((v) => v !== null);
}

export function appointmentsInput(customerId: number, p: Omit<BookingsParams, 'customer'>) {
  return { customerId, tab: p.tab, status: effectiveStatus(p), ...appointmentFilters(p), limit: APPOINTMENTS_PAGE_SIZE };
}

export function tabCountsInputOf(customerId: number, p: Omit<BookingsParams, 'customer' | 'tab' | 'status'>) {
  return { customerId, ...appointmentFilters(p) };
}

export type TabCountsInput = z.infer<typeof tabCountsInput>;

/** What a tab's status filter offers: its statuses, none on Cancelled (it holds one status). */
export const STATUS_FILTER_OPTIONS: Record<BookingTab, readonly AppointmentStatus[]> = {
  upcoming: TAB_STATUSES.upcoming,
  past: TAB_STATUSES.past,
  cancelled: [],
};
