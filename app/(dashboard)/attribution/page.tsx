import type { Metadata } from 'next';
import type { SearchParams } from 'nuqs/server';
import { Forbidden } from '@/app/_components/forbidden';
import { getQueryClient, getSessionUser, HydrateClient, trpc } from '@/app/_trpc/server';
import { businessTimeZone } from '@/server/env';
import { AttributionView } from './attribution-view';
import { funnelInput, loadAttributionSearchParams, todayIn } from './search-params';

export const metadata: Metadata = { title: 'Attribution' };

export default async function AttributionPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const user = await getSessionUser();
  if (user?.role !== 'admin') return <Forbidden what="Marketing attribution" />;

  const timeZone = businessTimeZone();
  // "Today" is decided once, here, and handed to the client: server and browser build the same input.
  const today = todayIn(timeZone);
  const params = await loadAttributionSearchParams(searchParams);
  // Not awaited: the query streams to the client, which suspends on it until it lands.
  void getQueryClient().prefetchQuery(trpc.attribution.funnel.queryOptions(funnelInput(params, today)));
  return (
    <HydrateClient>
      <AttributionView today={today} timeZone={timeZone} />
    </HydrateClient>
  );
}
