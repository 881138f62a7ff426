import { createLoader, createParser, parseAsStringLiteral } from 'nuqs/server';
import type { AppointmentStatus } from '@/db/schema';
import type { BookingTab } from '@/server/queries/bookings';

// The bookings view's state lives in the URL (?customer=42&tab=past&status=completed&from=..&to=..):
// one definition for the server page (prefetch) and the client (useQueryStates), so both build the
// same query keys and a shared link shows the same view.

export const TABS = ['upcoming', 'past', 'cancelled'] as const satisfies readonly BookingTab[];
export const STATUSES = ['scheduled', 'confirmed', 'in_progress', 'completed', 'cancelled', 'no_show'] as const satisfies readonly AppointmentStatus[];
export type Status = (typeof STATUSES)[number];
export type Tab = (typeof TABS)[number];

/** The statuses a tab can hold, offered by its status filter (mirrors server/queries/bookings.ts). */
export const TAB_STATUS_OPTIONS: Record<Tab, readonly Status[]> = {
  upcoming: ['scheduled', 'confirmed', 'in_progress'],
  past: ['completed', 'no_show', 'in_progress', 'scheduled', 'confirmed'],
  cancelled: [],
};

/** A positive safe integer written plainly ("12abc", "1e3", "-1" are not ids). */
const parseAsId = createParser({
  parse: (v) => {
    if (!/^[1-9]\d{0,15}$/.test(v)) return null;
    const n = Number(v);
    return Number.isSafeInteger(n) ? n : null;
  },
  serialize: (n: number) => String(n),
});

/** A real calendar day "2025-03-09" (2025-02-30 is not). */
const parseAsDay = createParser({
  parse: (v) => {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(v)) return null;
    const d = new Date(`${v}T00:00:00Z`);
    return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === v ? v : null;
  },
  serialize: (v: string) => v,
});

export const bookingsSearchParams = {
  customer: parseAsId,
  tab: parseAsStringLiteral(TABS).withDefault('upcoming'),
  status: parseAsStringLiteral(STATUSES),
  from: parseAsDay,
  to: parseAsDay,
};

export const loadBookingsSearchParams = createLoader(bookingsSearchParams);

export const APPOINTMENTS_PAGE_SIZE = 20;
export const SEARCH_LIMIT = 8;

export interface BookingsParams {
  customer: number | null;
  tab: Tab;
  status: Status | null;
  from: string | null;
  to: string | null;
}

/** The URL's range, made valid: a reversed range is read the right way round. */
export function dateRange(p: Pick<BookingsParams, 'from' | 'to'>): { from: string | null; to: string | null } {
  if (p.from && p.to && p.from > p.to) return { from: p.to, to: p.from };
  return { from: p.from, to: p.to };
}

/** A status the tab cannot hold (e.g. ?tab=upcoming&status=cancelled from an edited link) is ignored. */
export function effectiveStatus(p: Pick<BookingsParams, 'tab' | 'status'>): Status | null {
  return p.status && TAB_STATUS_OPTIONS[p.tab].includes(p.status) ? p.status : null;
}

export function appointmentsInput(customerId: number, p: Omit<BookingsParams, 'customer'>) {
  return { customerId, tab: p.tab, status: effectiveStatus(p), ...dateRange(p), limit: APPOINTMENTS_PAGE_SIZE };
}

export function tabCountsInput(customerId: number, p: Pick<BookingsParams, 'from' | 'to'>) {
  return { customerId, ...dateRange(p) };
}
