import { TRPCError } from '@trpc/server';
import { dayBounds as businessDayBounds } from '@/lib/business-day';
import { decodeCursor } from '@/lib/contract/appointments';
import { byCustomerInput, customerInput, searchCustomersInput, tabCountsInput } from '@/lib/contract/bookings';
import { businessTimeZone } from '../env';
import { appointmentTabCounts, customerAppointments, customerById, customerExists } from '../queries/bookings';
import { searchCustomers } from '../queries/bookings-search';
import { authedProcedure, createRouter, onReplica } from '../trpc';

/** [from 00:00, the day after `to` 00:00) in the business time zone, as instants. */
const dayBounds = (range: { from?: string | null; to?: string | null }) => businessDayBounds(range, businessTimeZone());

const notFound = (id: number) => new TRPCError({ code: 'NOT_FOUND', message: `No customer with id ${id}.` });

export const bookingsRouter = createRouter({
  /** Typeahead: customers by name, phone or email, best matches first. */
  searchCustomers: authedProcedure.input(searchCustomersInput).query(({ ctx, input }) => searchCustomers(ctx.db, input)),

  /** The customer card: contact details and their conversations. */
  customer: authedProcedure.input(customerInput).query(async ({ ctx, input }) => {
    const card = await customerById(ctx.db, input);
    if (!card) throw notFound(input.customerId);
    return card;
  }),

  /** Appointment counts for the tab labels (within the date range, when one is set). */
  tabCounts: authedProcedure
    .use(onReplica)
    .input(tabCountsInput)
    .query(async ({ ctx, input }) => {
      // Filters pass through as the contract validated them; only the days become instants.
      const { from, to, ...filters } = input;
      const counts = await appointmentTabCounts(ctx.db, { ...filters, ...dayBounds({ from, to }) });
      if (counts.upcoming + counts.past + counts.cancelled === 0 && !(await customerExists(ctx.db, input)))
        throw notFound(input.customerId);
      return counts;
    }),

  /** One page of a customer's appointments in a tab, keyset-paged (pass nextCursor back as cursor). */
  byCustomer: authedProcedure
    .use(onReplica)
    .input(byCustomerInput)
    .query(async ({ ctx, input }) => {
      // The contract has checked the cursor's shape, so it decodes.
      const { from, to, cursor: token, direction: _, ...filters } = input;
      const cursor = token ? decodeCursor(token) : null;
      const page = await customerAppointments(ctx.db, { ...filters, ...dayBounds({ from, to }), cursor });
      if (page.items.length === 0 && !cursor && !(await customerExists(ctx.db, input))) throw notFound(input.customerId);
      return page;
    }),
});
