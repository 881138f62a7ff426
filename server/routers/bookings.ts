import { TRPCError } from '@trpc/server';
import { z } from 'zod';
import { APPOINTMENT_STATUSES, type AppointmentStatus } from '@/db/schema';
import { dayBounds as businessDayBounds } from '@/lib/business-day';
import { isoDay } from '@/lib/contract/common';
import { businessTimeZone } from '../env';
import {
  appointmentTabCounts,
  BOOKING_TABS,
  CURSOR_PATTERN,
  customerAppointments,
  customerById,
  customerExists,
  decodeCursor,
  searchCustomers,
} from '../queries/bookings';
import { authedProcedure, createRouter, onReplica } from '../trpc';

// Ids are bigint in the database; anything that is not a positive safe integer never reaches SQL.
const customerId = z
  .number({ error: 'customerId must be a number' })
  .int('customerId must be a whole number')
  .positive('customerId must be positive')
  .max(Number.MAX_SAFE_INTEGER, 'customerId is too large');

const limit = (fallback: number) =>
  z.number({ error: 'limit must be a number' }).int('limit must be a whole number').min(1, 'limit must be at least 1').max(100, 'limit must be at most 100').default(fallback);

const dateRange = {
  from: isoDay.nullish(),
  to: isoDay.nullish(),
};

function checkRange(v: { from?: string | null; to?: string | null }, ctx: z.RefinementCtx) {
  if (v.from && v.to && v.from > v.to) {
    ctx.addIssue({ code: 'custom', path: ['to'], message: 'The end date must be on or after the start date' });
  }
}

/** [from 00:00, the day after `to` 00:00) in the business time zone, as instants. */
const dayBounds = (range: { from?: string | null; to?: string | null }) => businessDayBounds(range, businessTimeZone());

const searchInput = z.strictObject({
  q: z.string({ error: 'q must be text' }).trim().min(1, 'Type something to search').max(100, 'Search text is too long (100 characters at most)'),
  limit: limit(10),
});

const customerInput = z.strictObject({ customerId });

const tabCountsInput = z.strictObject({ customerId, ...dateRange }).superRefine(checkRange);

const byCustomerInput = z
  .strictObject({
    customerId,
    tab: z.enum(BOOKING_TABS as ['upcoming', 'past', 'cancelled'], { error: 'tab must be upcoming, past or cancelled' }).default('upcoming'),
    status: z.enum(APPOINTMENT_STATUSES as [AppointmentStatus, ...AppointmentStatus[]], { error: `status must be one of ${APPOINTMENT_STATUSES.join(', ')}` }).nullish(),
    ...dateRange,
    limit: limit(20),
    /** Opaque keyset cursor from the previous page's nextCursor. */
    cursor: z.string({ error: 'cursor must be text' }).max(64, 'cursor is malformed').regex(CURSOR_PATTERN, 'cursor is malformed').nullish(),
    /** Sent by TanStack infinite queries; only forward paging exists. */
    direction: z.literal('forward', { error: 'Only forward paging is supported' }).optional(),
  })
  .superRefine((v, ctx) => {
    checkRange(v, ctx);
    if (v.status && !(v.tab === 'cancelled' ? v.status === 'cancelled' : v.status !== 'cancelled')) {
      ctx.addIssue({
        code: 'custom',
        path: ['status'],
        message: v.tab === 'cancelled' ? 'The cancelled tab holds only cancelled appointments' : `Cancelled appointments are on the cancelled tab, not ${v.tab}`,
      });
    }
  });

const notFound = (id: number) => new TRPCError({ code: 'NOT_FOUND', message: `No customer with id ${id}.` });

export const bookingsRouter = createRouter({
  /** Typeahead: customers by name, phone or email, best matches first. */
  searchCustomers: authedProcedure.input(searchInput).query(({ ctx, input }) => searchCustomers(ctx.db, input)),

  /** The customer card: contact details and their conversations. */
  customer: authedProcedure.input(customerInput).query(async ({ ctx, input }) => {
    const card = await customerById(ctx.db, input);
    if (!card) throw notFound(input.customerId);
    return card;
  }),

  /** Appointment counts for the tab labels (within the date range, when one is set). */
  tabCounts: authedProcedure.use(onReplica).input(tabCountsInput).query(async ({ ctx, input }) => {
    const counts = await appointmentTabCounts(ctx.db, { customerId: input.customerId, ...dayBounds(input) });
    if (counts.upcoming + counts.past + counts.cancelled === 0 && !(await customerExists(ctx.db, input))) throw notFound(input.customerId);
    return counts;
  }),

  /** One page of a customer's appointments in a tab, keyset-paged (pass nextCursor back as cursor). */
  byCustomer: authedProcedure.use(onReplica).input(byCustomerInput).query(async ({ ctx, input }) => {
    const cursor = input.cursor ? decodeCursor(input.cursor) : null;
    if (input.cursor && !cursor) throw new TRPCError({ code: 'BAD_REQUEST', message: 'cursor is malformed' });
    const page = await customerAppointments(ctx.db, {
      customerId: input.customerId,
      tab: input.tab,
      status: input.status ?? null,
      ...dayBounds(input),
      limit: input.limit,
      cursor,
    });
    if (page.items.length === 0 && !cursor && !(await customerExists(ctx.db, input))) throw notFound(input.customerId);
    return page;
  }),
});
