import type { Metadata } from 'next';
import type { SearchParams } from 'nuqs/server';
import { getQueryClient, HydrateClient, trpc } from '@/app/_trpc/server';
import { businessTimeZone } from '@/server/env';
import { BookingsView } from './bookings-view';
import { describeTimeZone } from './format';
import { loadBookingsSearchParams } from '@/lib/contract/bookings';
import { fetchViewQueries } from '@/app/_trpc/view-queries';
import { bookingsQueries } from './queries';

export const metadata: Metadata = { title: 'Bookings' };

export default async function BookingsPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const params = await loadBookingsSearchParams(searchParams);
  // No loading.tsx: every query of the view is awaited (index lookups, about a millisecond each), so a
  // navigation commits the finished page once instead of a skeleton React holds for at least 300 ms.
  if (params.customer) await fetchViewQueries(getQueryClient(), bookingsQueries(trpc, params.customer, params));
  const timeZone = businessTimeZone();
  return (
    <HydrateClient>
      <BookingsView timeZone={timeZone} timeZoneLabel={describeTimeZone(timeZone)} />
    </HydrateClient>
  );
}
