import type { useTRPC } from '@/app/_trpc/client';
import { appointmentsInput, type BookingsParams, tabCountsInputOf } from '@/lib/contract/bookings';

type Trpc = ReturnType<typeof useTRPC>;

/**
 * Everything a customer's bookings show, declared ONCE: page.tsx fetches exactly these
 * (fetchViewQueries), the client starts exactly these (usePrefetchViewQueries), and the card and
 * the appointments read their entry from this object. A new query is one new entry here;
 * queries.test.ts fails if a component builds bookings query options anywhere else.
 */
export function bookingsQueries(trpc: Trpc, customerId: number, params: Omit<BookingsParams, 'customer'>) {
  return {
    customer: trpc.bookings.customer.queryOptions({ customerId }),
    tabCounts: trpc.bookings.tabCounts.queryOptions(tabCountsInputOf(customerId, params)),
    appointments: trpc.bookings.byCustomer.infiniteQueryOptions(appointmentsInput(customerId, params), {
      getNextPageParam: (p) => p.nextCursor,
    }),
  };
}

export type BookingsQueries = ReturnType<typeof bookingsQueries>;
