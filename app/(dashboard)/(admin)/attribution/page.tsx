import type { Metadata } from 'next';
import type { SearchParams } from 'nuqs/server';
import { getQueryClient, HydrateClient, trpc } from '@/app/_trpc/server';
import { businessTimeZone } from '@/server/env';
import { AttributionView } from './attribution-view';
import { businessDay } from '@/lib/business-day';
import { funnelInputFromUrl, loadAttributionSearchParams } from '@/lib/contract/attribution';

export const metadata: Metadata = { title: 'Attribution' };

export default async function AttributionPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const timeZone = businessTimeZone();
  // "Today" is decided once, here, and handed to the client: server and browser build the same input.
  const today = businessDay(timeZone);
  const params = await loadAttributionSearchParams(searchParams);
  // Not awaited: the query streams to the client, which suspends on it until it lands.
  void getQueryClient().prefetchQuery(trpc.attribution.funnel.queryOptions(funnelInputFromUrl(params, today)));
  return (
    <HydrateClient>
      <AttributionView today={today} timeZone={timeZone} />
    </HydrateClient>
  );
}
