import type { Metadata } from 'next';
import type { SearchParams } from 'nuqs/server';
import { getQueryClient, HydrateClient, trpc } from '@/app/_trpc/server';
import { businessTimeZone } from '@/server/env';
import { BookingsView } from './bookings-view';
import { describeTimeZone } from './format';
import { appointmentsInput, loadBookingsSearchParams, tabCountsInput } from './search-params';

export const metadata: Metadata = { title: 'Bookings' };

export default async function BookingsPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const params = await loadBookingsSearchParams(searchParams);
  if (params.customer) {
    const qc = getQueryClient();
    const customerId = params.customer;
    const countsOptions = trpc.bookings.tabCounts.queryOptions(tabCountsInput(customerId, params));
    const listOptions = trpc.bookings.byCustomer.infiniteQueryOptions(appointmentsInput(customerId, params), {
      getNextPageParam: (p) => p.nextCursor,
    });
    // All three start at once. The counts and the list are not awaited: they stream to the client,
    // which suspends on them until they land.
    // retry: false: the shared client's retry rule reads the browser's error shape (error.data.code);
    // here the error is a TRPCError (error.code), so a NOT_FOUND would be retried twice, 3 s of backoff.
    const card = qc.fetchQuery({ ...trpc.bookings.customer.queryOptions({ customerId }), retry: false });
    void qc.prefetchQuery(countsOptions);
    void qc.prefetchInfiniteQuery(listOptions);
    // The card (a primary-key lookup) is awaited so that an unknown or failing customer is never
    // streamed: a server-side rejection reaches the browser redacted ("An error occurred in the Server
    // Components render"). Dropped from the cache, the client asks again and shows the real error
    // (NOT_FOUND: "No customer with id …").
    try {
      await card;
    } catch {
      qc.removeQueries({ queryKey: countsOptions.queryKey });
      qc.removeQueries({ queryKey: listOptions.queryKey });
    }
  }
  const timeZone = businessTimeZone();
  return (
    <HydrateClient>
      <BookingsView timeZone={timeZone} timeZoneLabel={describeTimeZone(timeZone)} />
    </HydrateClient>
  );
}
