import type { Metadata } from 'next';
import type { SearchParams } from 'nuqs/server';
import { getQueryClient, HydrateClient, trpc } from '@/app/_trpc/server';
import { businessTimeZone } from '@/server/env';
import { BookingsView } from './bookings-view';
import { describeTimeZone } from './format';
import { appointmentsInput, loadBookingsSearchParams, tabCountsInputOf as tabCountsInput } from '@/lib/contract/bookings';

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
    // All three start at once and are awaited (primary-key and index lookups, about a millisecond
    // each), with no loading.tsx: a navigation then commits the finished page once, instead of a
    // skeleton that React holds for at least 300 ms (its Suspense reveal throttle).
    // retry: false: the shared client's retry rule reads the browser's error shape (error.data.code);
    // here the error is a TRPCError (error.code), so a NOT_FOUND would be retried twice, 3 s of backoff.
    // The card is fetched (not prefetched) so that an unknown or failing customer is never streamed:
    // a server-side rejection reaches the browser redacted ("An error occurred in the Server
    // Components render"). Dropped from the cache, the client asks again and shows the real error
    // (NOT_FOUND: "No customer with id …"). The prefetches never throw.
    const [card] = await Promise.allSettled([
      qc.fetchQuery({ ...trpc.bookings.customer.queryOptions({ customerId }), retry: false }),
      qc.prefetchQuery(countsOptions),
      qc.prefetchInfiniteQuery(listOptions),
    ]);
    if (card.status === 'rejected') {
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
