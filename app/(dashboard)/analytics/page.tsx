import type { Metadata } from 'next';
import type { SearchParams } from 'nuqs/server';
import { Forbidden } from '@/app/_components/forbidden';
import { getQueryClient, getSessionUser, HydrateClient, trpc } from '@/app/_trpc/server';
import { AnalyticsView } from './analytics-view';
import { loadAnalyticsSearchParams } from './search-params';

export const metadata: Metadata = { title: 'Cost analytics' };

export default async function AnalyticsPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const user = await getSessionUser();
  if (user?.role !== 'admin') return <Forbidden what="Cost analytics" />;
  const { days } = await loadAnalyticsSearchParams(searchParams);
  // Awaited: the query takes a couple of milliseconds (rollup), so the first HTML already holds the
  // numbers and the client hydrates without a loading state.
  await getQueryClient().prefetchQuery(trpc.analytics.costByService.queryOptions({ days }));
  return (
    <HydrateClient>
      <AnalyticsView />
    </HydrateClient>
  );
}
